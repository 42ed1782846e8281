// The HTTP API (http/api_server.h) end to end: a real PostgreSQL from the
// test harness, articles ingested with the real extractor and store, the real
// server on 127.0.0.1 (in-process, on a free port), and httplib::Client.
#include <catch2/catch.hpp>

#include <httplib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "api_queries.h"
#include "api_tokens.h"
#include "database.h"
#include "embedded_pg.h"
#include "extractor.h"
#include "http/api_server.h"
#include "ingest.h"
#include "migrations.h"
#include "quote_clusters.h"
#include "quote_filter.h"
#include "store.h"
#include "support/cli_run.h"
#include "support/pg_harness.h"

using namespace quotetrail;
using nlohmann::json;
using quotetrail::testing::QueryOne;
using quotetrail::testing::TempDir;

namespace {

constexpr int kPagedArticles = 23;

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
  REQUIRE(out.good());
}

// The fixture articles: kPagedArticles quotes by Paul Martin with words of
// their own (one cluster each; dates with ties), and one quote given three
// times: by Jeanne Durand twice (the second copy derives from the first) and
// by Marc Petit once (a conflict).
std::string FixtureJsonl() {
  std::string out;
  for (int i = 0; i < kPagedArticles; ++i) {
    const std::string n = std::to_string(i);
    json line = {{"id", "paged" + n},
                 {"title", "Article " + n},
                 {"outlet", "Gazette de Test"},
                 {"language", "fr"},
                 {"url", "https://example.org/paged/" + n},
                 {"published_at", "2025-03-0" + std::to_string(1 + i % 4) + "T10:00:00Z"},
                 {"text", "Réunion numéro " + n + ".\n\nPaul Martin a déclaré : « Nous voulons alpha" + n +
                              " bravo" + n + " charlie" + n + " delta" + n + " echo" + n + " maintenant ».\n"}};
    out += line.dump() + "\n";
  }
  const std::string shared =
      "la réforme des retraites sera votée avant la fin de la session parlementaire sans aucun report";
  out += json({{"id", "conflict1"}, {"title", "Retraites"}, {"outlet", "Le Quotidien"}, {"language", "fr"},
               {"published_at", "2025-02-01T08:00:00Z"},
               {"text", "Jeanne Durand a affirmé : « " + shared + " ».\n"}})
             .dump() +
         "\n";
  out += json({{"id", "conflict2"}, {"title", "Retraites encore"}, {"outlet", "Le Soir"}, {"language", "fr"},
               {"published_at", "2025-02-05T08:00:00Z"},
               {"text", "Selon Le Quotidien, Jeanne Durand a affirmé : « " + shared + " ».\n"}})
             .dump() +
         "\n";
  out += json({{"id", "conflict3"}, {"title", "Retraites toujours"}, {"outlet", "Le Matin"}, {"language", "fr"},
               {"published_at", "2025-02-07T08:00:00Z"},
               {"text", "Marc Petit a affirmé : « " + shared + " ».\n"}})
             .dump() +
         "\n";
  return out;
}

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

json Body(const httplib::Result& r) {
  REQUIRE(r);
  INFO(r->body);
  return json::parse(r->body);
}

// A 4xx/5xx answer in the contract's shape with `code`.
void RequireError(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  INFO(r->body);
  CHECK(r->status == status);
  json b = json::parse(r->body);
  CHECK(b["error"]["code"] == code);
  CHECK(b["error"]["message"].is_string());
  CHECK(!b["error"]["message"].get<std::string>().empty());
}

// A server on a free port of 127.0.0.1, listening on its own thread.
class RunningServer {
 public:
  explicit RunningServer(http::ApiServerOptions o) : server_(std::move(o)) {
    auto port = server_.Bind("127.0.0.1", 0);
    REQUIRE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { server_.Listen(); });
    for (int i = 0; i < 500 && !server_.IsRunning(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    REQUIRE(server_.IsRunning());
  }
  ~RunningServer() {
    server_.Stop();
    thread_.join();
  }
  httplib::Client Client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30);
    return c;
  }
  http::ApiServer& server() { return server_; }

 private:
  http::ApiServer server_;
  int port_ = 0;
  std::thread thread_;
};

// The shared environment: a database with the seed article and the fixtures,
// a token, an api dir with openapi.json and a page, and a running server.
struct Env {
  TempDir dir{"qt-api"};
  std::string url;
  std::string token;
  std::string api_dir;
  std::unique_ptr<RunningServer> server;

  Env() {
    url = quotetrail::testing::RequireFreshDatabase(true);
    const std::string jsonl = dir.path() + "/fixtures.jsonl";
    WriteFile(jsonl, FixtureJsonl());
    auto extractor = Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR);
    REQUIRE(extractor.ok());
    {
      auto store = Store::Open(url, (*extractor)->gazetteer());
      REQUIRE(store.ok());
      IngestOptions o;
      std::vector<std::string> errors;
      o.on_error = [&](const std::string& m) { errors.push_back(m); };
      auto done = Ingest({std::string(QUOTETRAIL_TEST_DATA) + "/seed/lavrov-wonsan.txt", jsonl}, **extractor,
                         **store, o);
      REQUIRE(done.ok());
      INFO((errors.empty() ? "" : errors[0]));
      REQUIRE(errors.empty());
      REQUIRE(done->documents_added == kPagedArticles + 4);
    }
    auto conn = Connect(url);
    REQUIRE(conn.ok());
    auto t = CreateApiToken(**conn, "tests");
    REQUIRE(t.ok());
    token = t->token;
    api_dir = dir.path() + "/api";
    std::filesystem::create_directory(api_dir);
    std::filesystem::copy_file(std::string(QUOTETRAIL_API_DIR) + "/openapi.json", api_dir + "/openapi.json");
    WriteFile(api_dir + "/index.html", "<!doctype html><title>quotetrail</title>");
    WriteFile(api_dir + "/app.js", "console.log('quotetrail');");
    WriteFile(api_dir + "/style.css", "body { margin: 0 }");
    WriteFile(dir.path() + "/secret.txt", "not to be served");
    server = std::make_unique<RunningServer>(Options());
  }

  http::ApiServerOptions Options() const {
    http::ApiServerOptions o;
    o.db_url = url;
    o.api_dir = api_dir;
    o.extractors_dir = QUOTETRAIL_EXTRACTORS_DIR;
    o.threads = 4;
    return o;
  }
};

Env& TheEnv() {
  static Env env;
  return env;
}

// Every page of GET `path_and_query` (which must already hold '?'): the ids in order.
std::vector<int64_t> WalkPages(httplib::Client& c, const std::string& path_and_query, int* pages) {
  std::vector<int64_t> ids;
  std::string cursor;
  *pages = 0;
  for (int guard = 0; guard < 200; ++guard) {
    std::string target = path_and_query;
    if (!cursor.empty()) target += "&cursor=" + cursor;
    auto r = c.Get(target.c_str());
    REQUIRE(r);
    INFO(target << " -> " << r->body);
    REQUIRE(r->status == 200);
    json b = json::parse(r->body);
    ++*pages;
    for (const auto& q : b["quotes"]) ids.push_back(q["id"].get<int64_t>());
    if (b["next_cursor"].is_null()) return ids;
    cursor = b["next_cursor"].get<std::string>();
  }
  FAIL("pagination did not end");
  return ids;
}

}  // namespace

TEST_CASE("healthz, openapi.json and static files", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  auto h = c.Get("/healthz");
  REQUIRE(h);
  CHECK(h->status == 200);
  CHECK(Body(h)["status"] == "ok");

  auto o = c.Get("/api/v1/openapi.json");
  REQUIRE(o);
  CHECK(o->status == 200);
  CHECK(o->get_header_value("Content-Type") == "application/json");
  json spec = Body(o);
  CHECK(spec["openapi"].get<std::string>().rfind("3.1", 0) == 0);
  for (const char* path : {"/api/v1/quotes", "/api/v1/quotes/{id}", "/api/v1/quotes/{id}/prov", "/api/v1/check",
                           "/api/v1/speakers", "/api/v1/speakers/{id}", "/api/v1/agencies",
                           "/api/v1/agencies/{id}", "/api/v1/documents/{id}", "/api/v1/documents",
                           "/api/v1/export.csv", "/healthz", "/metrics", "/api/v1/openapi.json", "/"}) {
    INFO(path);
    CHECK(spec["paths"].contains(path));
  }
  CHECK(spec["paths"]["/api/v1/documents"].contains("post"));
  CHECK(spec["paths"]["/api/v1/check"].contains("post"));

  auto index = c.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index->body.find("<title>quotetrail</title>") != std::string::npos);
  auto js = c.Get("/app.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  auto css = c.Get("/style.css");
  REQUIRE(css);
  CHECK(css->get_header_value("Content-Type") == "text/css; charset=utf-8");
  // No way out of the api directory, no hidden files.
  for (const char* bad : {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/.hidden", "/nothere.js"}) {
    INFO(bad);
    RequireError(c.Get(bad), 404, "not_found");
  }
  // Without a page, / is a 404 in JSON.
  std::filesystem::rename(env.api_dir + "/index.html", env.api_dir + "/index.off");
  RequireError(c.Get("/"), 404, "not_found");
  std::filesystem::rename(env.api_dir + "/index.off", env.api_dir + "/index.html");
  CHECK(c.Get("/")->status == 200);
}

TEST_CASE("search ranks the Kim Jong-un quote first for 'pret a soutenir', relayed by KCNA", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  json b = Body(c.Get("/api/v1/quotes?q=pret%20a%20soutenir"));
  REQUIRE(!b["quotes"].empty());
  const json& top = b["quotes"][0];
  CHECK(top["text"].get<std::string>().rfind("prête à soutenir", 0) == 0);
  REQUIRE(!top["speakers"].empty());
  CHECK(top["speakers"][0]["name"] == "Kim Jong-un");
  CHECK(top["score"].get<double>() > 0);
  CHECK(top["score"].get<double>() <= 1);
  for (size_t i = 1; i < b["quotes"].size(); ++i)
    CHECK(b["quotes"][i]["score"].get<double>() <= b["quotes"][i - 1]["score"].get<double>());
  bool kcna = false;
  for (const auto& v : top["via"]) kcna |= v["name"] == "KCNA";
  CHECK(kcna);

  // Case, accents and a partial text do not matter.
  json upper = Body(c.Get("/api/v1/quotes?q=PR%C3%8ATE%20%C3%80%20SOUTENIR%20et%20encourager"));
  REQUIRE(!upper["quotes"].empty());
  CHECK(upper["quotes"][0]["id"] == top["id"]);

  const std::string id = std::to_string(top["id"].get<int64_t>());
  json chain = Body(c.Get(("/api/v1/quotes/" + id).c_str()));
  CHECK(chain["quote"]["id"] == top["id"]);
  REQUIRE(!chain["chain"].empty());
  const json& first = chain["chain"][0];
  CHECK(first["first"] == true);
  CHECK(first["speaker"]["name"] == "Kim Jong-un");
  bool chain_kcna = false;
  for (const auto& v : first["via"]) chain_kcna |= v["name"] == "KCNA" && v["kind"] == "agency";
  CHECK(chain_kcna);
  CHECK(first["context"].get<std::string>().find("KCNA") != std::string::npos);
  CHECK(first["end"].get<int64_t>() > first["start"].get<int64_t>());
  CHECK(first["document"]["language"] == "fr");
  CHECK(chain["conflicts"].empty());

  // Offsets are code points of the document text.
  json doc = Body(c.Get(("/api/v1/documents/" + std::to_string(first["document"]["id"].get<int64_t>())).c_str()));
  const std::string text = doc["document"]["text"];
  const size_t start = first["start"], end = first["end"];
  size_t byte = 0, cp = 0;
  size_t byte_start = 0, byte_end = std::string::npos;
  while (byte <= text.size()) {
    if (cp == start) byte_start = byte;
    if (cp == end) {
      byte_end = byte;
      break;
    }
    unsigned char ch = text[byte];
    byte += ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    ++cp;
  }
  REQUIRE(byte_end != std::string::npos);
  CHECK(text.substr(byte_start, byte_end - byte_start) == first["text"].get<std::string>());
}

TEST_CASE("keyset pagination walks every cluster once, with and without q", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  int pages = 0;
  std::vector<int64_t> all = WalkPages(c, "/api/v1/quotes?limit=4", &pages);
  const size_t total = std::stoul(QueryOne(env.url, "SELECT count(*) FROM quotes"));
  CHECK(all.size() == total);
  CHECK(std::set<int64_t>(all.begin(), all.end()).size() == all.size());
  CHECK(pages == static_cast<int>((total + 3) / 4));
  // Same order as one big page.
  json one = Body(c.Get("/api/v1/quotes?limit=100"));
  std::vector<int64_t> single;
  for (const auto& q : one["quotes"]) single.push_back(q["id"]);
  CHECK(single == all);
  // Newest first appearance first.
  std::string prev;
  for (const auto& q : one["quotes"]) {
    const std::string t = q["first_appearance"]["published_at"];
    if (!prev.empty()) CHECK(t <= prev);
    prev = t;
  }

  // With q: every fixture quote says "voulons"; pages of 3 give the big page's order.
  std::vector<int64_t> ranked = WalkPages(c, "/api/v1/quotes?q=voulons&limit=3", &pages);
  CHECK(ranked.size() >= static_cast<size_t>(kPagedArticles));
  CHECK(std::set<int64_t>(ranked.begin(), ranked.end()).size() == ranked.size());
  json big = Body(c.Get("/api/v1/quotes?q=voulons&limit=100"));
  std::vector<int64_t> big_ids;
  for (const auto& q : big["quotes"]) big_ids.push_back(q["id"]);
  CHECK(big_ids == ranked);

  // Filters hold for the pages too: the speaker's quotes only, in pages of 5.
  std::vector<int64_t> martin = WalkPages(c, "/api/v1/quotes?speaker=paul%20martin&limit=5", &pages);
  CHECK(martin.size() == static_cast<size_t>(kPagedArticles));
  json m = Body(c.Get("/api/v1/quotes?speaker=martin&outlet=gazette&kind=full&lang=fr&from=2025-03-01&to=2025-03-02&limit=100"));
  for (const auto& q : m["quotes"]) CHECK(q["speakers"][0]["name"] == "Paul Martin");
  // Dates 2025-03-01 and 2025-03-02 (to= a date includes that day): i % 4 in {0, 1}.
  CHECK(m["quotes"].size() == 12);
  CHECK(Body(c.Get("/api/v1/quotes?agency=KCNA"))["quotes"].size() == 1);
  // The same speaker rules as the CSV export (filter_sql.h): other spellings
  // match, and a value with no letter names no one.
  json kim = Body(c.Get("/api/v1/quotes?speaker=Kim%20Jong%20Un"))["quotes"];
  CHECK(!kim.empty());
  for (const auto& q : kim) CHECK(q["speakers"][0]["name"] == "Kim Jong-un");
  CHECK(Body(c.Get("/api/v1/quotes?speaker=KIM-JONG-UN"))["quotes"] == kim);
  CHECK(Body(c.Get("/api/v1/quotes?speaker=%2E%2E%2E"))["quotes"].empty());
  CHECK(Body(c.Get("/api/v1/quotes?agency=agence%20centrale%20de%20presse%20cor%C3%A9enne"))["quotes"].size() == 1);
}

TEST_CASE("bad parameters are 400 naming the parameter", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  for (const char* q : {"/api/v1/quotes?limit=0", "/api/v1/quotes?limit=abc", "/api/v1/quotes?limit=-3",
                        "/api/v1/speakers?limit=x"}) {
    INFO(q);
    auto r = c.Get(q);
    RequireError(r, 400, "bad_request");
    CHECK(r->body.find("limit") != std::string::npos);
  }
  auto capped = c.Get("/api/v1/quotes?limit=100000");
  REQUIRE(capped);
  CHECK(capped->status == 200);
  CHECK(Body(capped)["quotes"].size() <= 100);

  auto kind = c.Get("/api/v1/quotes?kind=rumour");
  RequireError(kind, 400, "bad_request");
  CHECK(kind->body.find("kind") != std::string::npos);
  auto from = c.Get("/api/v1/quotes?from=yesterday");
  RequireError(from, 400, "bad_request");
  CHECK(from->body.find("from") != std::string::npos);
  auto longq = c.Get(("/api/v1/quotes?q=" + std::string(600, 'a')).c_str());
  RequireError(longq, 400, "bad_request");
  CHECK(longq->body.find("q:") != std::string::npos);
  RequireError(c.Get(("/api/v1/quotes?speaker=" + std::string(5000, 'a')).c_str()), 400, "bad_request");

  // A cursor is opaque: edited, or made for other filters, it is refused.
  json page = Body(c.Get("/api/v1/quotes?limit=2"));
  REQUIRE(page["next_cursor"].is_string());
  std::string cursor = page["next_cursor"];
  std::string edited = cursor;
  edited[edited.size() / 2] = edited[edited.size() / 2] == 'A' ? 'B' : 'A';
  RequireError(c.Get(("/api/v1/quotes?limit=2&cursor=" + edited).c_str()), 400, "bad_request");
  RequireError(c.Get(("/api/v1/quotes?limit=2&kind=full&cursor=" + cursor).c_str()), 400, "bad_request");
  RequireError(c.Get("/api/v1/quotes?cursor=%00%01"), 400, "bad_request");
  RequireError(c.Get("/api/v1/quotes?cursor=not-a-cursor"), 400, "bad_request");
  CHECK(c.Get(("/api/v1/quotes?limit=2&cursor=" + cursor).c_str())->status == 200);
}

TEST_CASE("unknown things are 404, wrong methods 405 with Allow", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  for (const char* p : {"/api/v1/quotes/999999999", "/api/v1/quotes/abc", "/api/v1/quotes/-1",
                        "/api/v1/quotes/999999999/prov", "/api/v1/speakers/999999999", "/api/v1/agencies/999999999",
                        "/api/v1/documents/999999999", "/api/v1/nothing", "/api/v2/quotes", "/a/b/c/d"}) {
    INFO(p);
    RequireError(c.Get(p), 404, "not_found");
  }
  auto del = c.Delete("/api/v1/quotes");
  RequireError(del, 405, "method_not_allowed");
  CHECK(del->get_header_value("Allow").find("GET") != std::string::npos);
  auto post = c.Post("/healthz", "{}", "application/json");
  RequireError(post, 405, "method_not_allowed");
  CHECK(post->get_header_value("Allow").find("GET") != std::string::npos);
  auto get_docs = c.Get("/api/v1/documents");
  RequireError(get_docs, 405, "method_not_allowed");
  CHECK(get_docs->get_header_value("Allow").find("POST") != std::string::npos);
  auto put = c.Put("/api/v1/quotes/1", "{}", "application/json");
  RequireError(put, 405, "method_not_allowed");
}

TEST_CASE("quote chain, conflicts and PROV-JSON", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  json found = Body(c.Get("/api/v1/quotes?q=reforme%20des%20retraites%20sera%20votee"));
  REQUIRE(!found["quotes"].empty());
  const json& q = found["quotes"][0];
  CHECK(q["conflict"] == true);
  CHECK(q["occurrences"] == 3);
  CHECK(q["documents"] == 3);
  CHECK(q["speakers"][0]["name"] == "Jeanne Durand");  // most occurrences first
  CHECK(q["speakers"][0]["occurrences"] == 2);
  CHECK(q["first_appearance"]["outlet"] == "Le Quotidien");
  CHECK(q["first_appearance"]["published_at"] == "2025-02-01T08:00:00Z");
  const std::string id = std::to_string(q["id"].get<int64_t>());

  json chain = Body(c.Get(("/api/v1/quotes/" + id).c_str()));
  REQUIRE(chain["chain"].size() == 3);
  CHECK(chain["chain"][0]["first"] == true);
  CHECK(chain["chain"][1]["first"] == false);
  CHECK(chain["chain"][0]["derived_from"].is_null());
  CHECK(chain["chain"][1]["derived_from"] == chain["chain"][0]["id"]);
  CHECK(chain["chain"][0]["document"]["published_at"] < chain["chain"][2]["document"]["published_at"]);
  REQUIRE(chain["conflicts"].size() == 2);
  std::set<std::string> names;
  for (const auto& k : chain["conflicts"]) names.insert(k["speaker"]["name"]);
  CHECK(names == std::set<std::string>{"Jeanne Durand", "Marc Petit"});

  auto pr = c.Get(("/api/v1/quotes/" + id + "/prov").c_str());
  REQUIRE(pr);
  CHECK(pr->status == 200);
  CHECK(pr->get_header_value("Content-Type") == "application/json");
  json prov = json::parse(pr->body);
  CHECK(prov["prefix"]["prov"] == "http://www.w3.org/ns/prov#");
  CHECK(prov["entity"].contains("qt:quote/" + id));
  for (const auto& o : chain["chain"])
    CHECK(prov["entity"].contains("qt:occurrence/" + std::to_string(o["id"].get<int64_t>())));
  int persons = 0;
  for (const auto& [k, a] : prov["agent"].items()) persons += a["prov:type"] == "prov:Person";
  CHECK(persons == 2);
  int quotations = 0, primary = 0;
  for (const auto& [k, d] : prov["wasDerivedFrom"].items()) {
    if (d["prov:type"] == "prov:Quotation") {
      ++quotations;
      CHECK(prov["entity"].contains(d["prov:usedEntity"].get<std::string>()));
    }
    if (d["prov:type"] == "prov:PrimarySource") {
      ++primary;
      CHECK(d["prov:generatedEntity"] == "qt:quote/" + id);
      CHECK(d["prov:usedEntity"] == "qt:occurrence/" + std::to_string(chain["chain"][0]["id"].get<int64_t>()));
    }
  }
  CHECK(quotations == 2);
  CHECK(primary == 1);
  int speakers = 0;
  for (const auto& [k, a] : prov["wasAttributedTo"].items()) {
    CHECK(prov["agent"].contains(a["prov:agent"].get<std::string>()));
    speakers += a["qt:role"] == "speaker";
  }
  CHECK(speakers == 3);
}

TEST_CASE("speakers, agencies and documents", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  json sp = Body(c.Get("/api/v1/speakers?limit=3"));
  REQUIRE(!sp["speakers"].empty());
  CHECK(sp["speakers"].size() <= 3);
  CHECK(sp["speakers"][0]["name"] == "Paul Martin");
  CHECK(sp["speakers"][0]["quotes"] == kPagedArticles);
  json kim = Body(c.Get("/api/v1/speakers?q=kim%20jong%20un"));
  REQUIRE(kim["speakers"].size() == 1);
  CHECK(kim["speakers"][0]["name"] == "Kim Jong-un");
  CHECK(!kim["speakers"][0]["aliases"].empty());
  const std::string kim_id = std::to_string(kim["speakers"][0]["id"].get<int64_t>());
  json one = Body(c.Get(("/api/v1/speakers/" + kim_id).c_str()));
  CHECK(one["speaker"]["name"] == "Kim Jong-un");
  REQUIRE(!one["quotes"].empty());
  for (const auto& q : one["quotes"]) {
    bool his = false;
    for (const auto& s : q["speakers"]) his |= s["name"] == "Kim Jong-un";
    CHECK(his);
  }

  json ag = Body(c.Get("/api/v1/agencies"));
  REQUIRE(!ag["agencies"].empty());
  int64_t kcna = 0;
  for (const auto& a : ag["agencies"]) {
    if (a["name"] == "KCNA") {
      kcna = a["id"];
      CHECK(a["quotes"] == 1);
      CHECK(a["kind"] == "agency");
      CHECK(a["country"] == "KP");
    }
  }
  REQUIRE(kcna > 0);
  CHECK(ag["agencies"][0]["quotes"].get<int64_t>() >= 1);  // most quotes first
  json one_ag = Body(c.Get(("/api/v1/agencies/" + std::to_string(kcna)).c_str()));
  CHECK(one_ag["agency"]["name"] == "KCNA");
  REQUIRE(one_ag["quotes"].size() == 1);
  CHECK(one_ag["quotes"][0]["speakers"][0]["name"] == "Kim Jong-un");

  const std::string doc_id = QueryOne(env.url, "SELECT id FROM documents WHERE external_id = 'paged3'");
  json doc = Body(c.Get(("/api/v1/documents/" + doc_id).c_str()));
  CHECK(doc["document"]["title"] == "Article 3");
  CHECK(doc["document"]["outlet"] == "Gazette de Test");
  CHECK(doc["document"]["url"] == "https://example.org/paged/3");
  CHECK(doc["document"]["published_at"] == "2025-03-04T10:00:00Z");
  CHECK(doc["document"]["text"].get<std::string>().find("alpha3") != std::string::npos);
  REQUIRE(doc["quotes"].size() == 1);
  CHECK(doc["quotes"][0]["speaker"]["name"] == "Paul Martin");
  CHECK(doc["quotes"][0]["text"].get<std::string>().find("bravo3") != std::string::npos);
}

TEST_CASE("POST /api/v1/documents: tokens, validation, ingest", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  const std::string article =
      R"({"title": "Essai", "outlet": "Le Testeur", "published_at": "2025-04-01T09:00:00Z", "language": "fr",
          "url": "https://example.org/essai",
          "text": "Claire Dubois a déclaré : « Les tarifs des transports publics baisseront dès le premier juillet prochain ».\n"})";

  // 401 without a token, with a wrong one, with a malformed header.
  for (const auto& headers : {httplib::Headers{}, Bearer(std::string(64, 'a')), httplib::Headers{{"Authorization", "Basic abc"}}}) {
    auto r = c.Post("/api/v1/documents", headers, article, "application/json");
    RequireError(r, 401, "unauthorized");
    CHECK(r->get_header_value("WWW-Authenticate").rfind("Bearer", 0) == 0);
  }

  // Validation.
  auto post = [&](const std::string& body) {
    return c.Post("/api/v1/documents", Bearer(env.token), body, "application/json");
  };
  auto unknown = post(R"({"text": "x", "autor": "me"})");
  RequireError(unknown, 422, "unprocessable");
  CHECK(unknown->body.find("autor") != std::string::npos);
  RequireError(post(R"({"title": "no text"})"), 422, "unprocessable");
  RequireError(post(R"({"text": 12})"), 422, "unprocessable");
  RequireError(post(R"(["text"])"), 422, "unprocessable");
  auto date = post(R"({"text": "Bonjour.", "published_at": "hier"})");
  RequireError(date, 422, "unprocessable");
  CHECK(date->body.find("published_at") != std::string::npos);
  auto malformed = post("{\"text\": \"x\",\n  oops}");
  RequireError(malformed, 400, "bad_request");
  CHECK(malformed->body.find("line 2") != std::string::npos);
  auto utf8 = post("{\"text\": \"caf\xe9\"}");
  RequireError(utf8, 400, "bad_request");
  CHECK(utf8->body.find("UTF-8") != std::string::npos);
  CHECK(utf8->body.find("byte 13") != std::string::npos);
  auto nul = post(R"({"text": "a\u0000b"})");
  RequireError(nul, 422, "unprocessable");

  // 413 over 1 MiB.
  std::string big = R"({"text": ")" + std::string(1536 * 1024, 'a') + "\"}";
  RequireError(post(big), 413, "payload_too_large");

  // Stored: 201, then 200 with created false.
  auto created = post(article);
  REQUIRE(created);
  INFO(created->body);
  CHECK(created->status == 201);
  json b = json::parse(created->body);
  CHECK(b["created"] == true);
  CHECK(b["document"]["title"] == "Essai");
  CHECK(b["document"]["outlet"] == "Le Testeur");
  CHECK(b["document"]["published_at"] == "2025-04-01T09:00:00Z");
  REQUIRE(b["occurrences"].size() == 1);
  CHECK(b["occurrences"][0]["speaker"]["name"] == "Claire Dubois");
  CHECK(b["occurrences"][0]["first"] == true);
  CHECK(!b["occurrences"][0].contains("document"));
  auto again = post(article);
  REQUIRE(again);
  CHECK(again->status == 200);
  json a = json::parse(again->body);
  CHECK(a["created"] == false);
  CHECK(a["document"]["id"] == b["document"]["id"]);
  // Readable at once.
  json found = Body(c.Get("/api/v1/quotes?q=tarifs%20des%20transports%20publics"));
  REQUIRE(!found["quotes"].empty());
  CHECK(found["quotes"][0]["speakers"][0]["name"] == "Claire Dubois");
  // An HTML page gives its text and metadata.
  auto html = post(json({{"html",
                          "<html lang=\"fr\"><head><title>Page</title><meta property=\"og:site_name\" content=\"Le Site\">"
                          "</head><body><p>Henri Lemoine a déclaré : « Le pont sera rouvert à la circulation dès lundi matin ».</p></body></html>"}})
                        .dump());
  REQUIRE(html);
  INFO(html->body);
  CHECK(html->status == 201);
  json hb = json::parse(html->body);
  CHECK(hb["document"]["outlet"] == "Le Site");
  CHECK(hb["document"]["title"] == "Page");

  // Metrics count the documents and the requests.
  auto m = c.Get("/metrics");
  REQUIRE(m);
  CHECK(m->status == 200);
  CHECK(m->get_header_value("Content-Type").rfind("text/plain", 0) == 0);
  CHECK(m->body.find("quotetrail_api_documents_ingested_total{created=\"true\"} 2") != std::string::npos);
  CHECK(m->body.find("quotetrail_api_documents_ingested_total{created=\"false\"} 1") != std::string::npos);
  CHECK(m->body.find("quotetrail_http_requests_total{method=\"POST\",route=\"/api/v1/documents\",status=\"201\"} 2") !=
        std::string::npos);
  CHECK(m->body.find("quotetrail_http_errors_total{route=\"/api/v1/documents\",code=\"payload_too_large\"} 1") !=
        std::string::npos);
  CHECK(m->body.find("quotetrail_http_request_duration_seconds_bucket{route=\"/api/v1/documents\",le=\"+Inf\"}") !=
        std::string::npos);

  // A revoked token is refused.
  auto conn = Connect(env.url);
  REQUIRE(conn.ok());
  auto t = CreateApiToken(**conn, "to revoke");
  REQUIRE(t.ok());
  CHECK(c.Post("/api/v1/documents", Bearer(t->token), R"({"text": 1})", "application/json")->status == 422);
  REQUIRE(RevokeApiToken(**conn, t->id).ok());
  RequireError(c.Post("/api/v1/documents", Bearer(t->token), article, "application/json"), 401, "unauthorized");
}

TEST_CASE("token commands create, list and revoke", "[api]") {
  Env& env = TheEnv();
  auto created = quotetrail::testing::Quotetrail("--db '" + env.url + "' token create --name cli-test");
  INFO(created.err);
  REQUIRE(created.exit_code == 0);
  std::string token = created.out;
  while (!token.empty() && token.back() == '\n') token.pop_back();
  REQUIRE(token.size() == 64);
  CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(QueryOne(env.url, "SELECT count(*) FROM api_tokens WHERE token_sha256 = '" + token + "'") == "0");
  auto c = env.server->Client();
  CHECK(c.Post("/api/v1/documents", Bearer(token), R"({"text": 1})", "application/json")->status == 422);
  auto list = quotetrail::testing::Quotetrail("--db '" + env.url + "' token list");
  REQUIRE(list.exit_code == 0);
  CHECK(list.out.find("cli-test") != std::string::npos);
  CHECK(list.out.find(token) == std::string::npos);
  const std::string id = QueryOne(env.url, "SELECT id FROM api_tokens WHERE name = 'cli-test'");
  auto revoke = quotetrail::testing::Quotetrail("--db '" + env.url + "' token revoke " + id);
  CHECK(revoke.exit_code == 0);
  RequireError(c.Post("/api/v1/documents", Bearer(token), R"({"text": 1})", "application/json"), 401, "unauthorized");
  CHECK(quotetrail::testing::Quotetrail("--db '" + env.url + "' token revoke 999999").exit_code == 1);
  CHECK(quotetrail::testing::Quotetrail("--db '" + env.url + "' token revoke abc").exit_code == 2);
}

TEST_CASE("serve with require_token_for_reads closes the reads, not the page", "[api]") {
  Env& env = TheEnv();
  http::ApiServerOptions o = env.Options();
  o.require_token_for_reads = true;
  RunningServer closed(o);
  auto c = closed.Client();
  RequireError(c.Get("/api/v1/quotes"), 401, "unauthorized");
  RequireError(c.Get("/api/v1/speakers"), 401, "unauthorized");
  auto with = c.Get("/api/v1/quotes", Bearer(env.token));
  REQUIRE(with);
  CHECK(with->status == 200);
  CHECK(c.Get("/healthz")->status == 200);
  CHECK(c.Get("/")->status == 200);
  CHECK(c.Get("/api/v1/openapi.json")->status == 200);
}

TEST_CASE("with the database stopped: 503, and no SQL or exception text", "[api]") {
  TempDir dir("qt-api-down");
  EmbeddedPostgresOptions po;
  po.data_dir = dir.path() + "/data";
  EmbeddedPostgres pg(po);
  auto started = pg.Start();
  REQUIRE(started.ok());
  {
    auto conn = Connect(pg.ConnectionString());
    REQUIRE(conn.ok());
    REQUIRE(ApplyMigrations(**conn, QUOTETRAIL_MIGRATIONS_DIR).ok());
  }
  http::ApiServerOptions o = TheEnv().Options();
  o.db_url = pg.ConnectionString();
  std::vector<std::string> logged;
  std::mutex mu;
  o.log = [&](const std::string& l) {
    std::lock_guard<std::mutex> lock(mu);
    logged.push_back(l);
  };
  RunningServer server(o);
  auto c = server.Client();
  REQUIRE(c.Get("/api/v1/quotes")->status == 200);  // a pooled connection now exists
  REQUIRE(pg.Stop().ok());
  for (const char* p : {"/healthz", "/api/v1/quotes", "/api/v1/quotes?q=soutenir", "/api/v1/quotes/1",
                        "/api/v1/quotes/1/prov", "/api/v1/speakers", "/api/v1/speakers/1", "/api/v1/agencies",
                        "/api/v1/agencies/1", "/api/v1/documents/1"}) {
    INFO(p);
    auto r = c.Get(p);
    RequireError(r, 503, "unavailable");
    for (const char* leak : {"SELECT", "FROM", "pqxx", "libpq", "socket", "server closed", "terminating",
                             "connection to server", "exception", "/run/"})
      CHECK(r->body.find(leak) == std::string::npos);
  }
  auto e = c.Get("/api/v1/export.csv");
  RequireError(e, 503, "unavailable");
  CHECK(e->body.find("libpq") == std::string::npos);
  auto k = c.Post("/api/v1/check", R"({"text": "soutenir", "speaker": "Kim"})", "application/json");
  RequireError(k, 503, "unavailable");
  CHECK(k->body.find("libpq") == std::string::npos);
  auto w = c.Post("/api/v1/documents", Bearer("0123"), R"({"text": "x"})", "application/json");
  REQUIRE(w);
  CHECK(w->status == 503);
  CHECK(w->body.find("libpq") == std::string::npos);
  std::lock_guard<std::mutex> lock(mu);
  CHECK(!logged.empty());  // the details went to the server's log
}

namespace {

// Fields of an RFC 4180 document (CRLF records), parsed independently of
// the writer.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (in_quotes) {
      if (ch == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (ch == '"') in_quotes = false;
      else field += ch;
    } else if (ch == '"' && field.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (ch == ',') {
      rows.back().push_back(field), field.clear(), quoted = false;
    } else if (ch == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      rows.back().push_back(field), field.clear(), quoted = false;
      rows.emplace_back();
      ++i;
    } else {
      field += ch;
    }
  }
  if (!field.empty() || !rows.back().empty()) rows.back().push_back(field);
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

}  // namespace

TEST_CASE("POST /api/v1/check: verdicts, names and bad bodies", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  auto check = [&](const json& body) {
    auto r = c.Post("/api/v1/check", body.dump(), "application/json");
    REQUIRE(r);
    INFO(r->body);
    REQUIRE(r->status == 200);
    return json::parse(r->body);
  };
  json other = check({{"text", "C'est à la RPDC de décider"}, {"speaker", "Kim Jong-un"}});
  CHECK(other["verdict"] == "attributed_to_other");
  REQUIRE(!other["matches"].empty());
  CHECK(other["matches"][0]["attributed_to"][0]["name"] == "Sergueï Lavrov");
  CHECK(other["explanation"].get<std::string>().find("Sergueï Lavrov") != std::string::npos);
  CHECK(other["speaker"]["resolved"]["name"] == "Kim Jong-un");

  json confirmed = check({{"text", "pret a soutenir et encourager"}, {"speaker", "Kim Jong Un"}});
  CHECK(confirmed["verdict"] == "confirmed");
  CHECK(confirmed["earliest"].is_object());

  json disputed = check({{"text", "la réforme des retraites sera votée avant la fin de la session"},
                         {"speaker", "Jeanne Durand"}});
  CHECK(disputed["verdict"] == "disputed");

  json none = check({{"text", "zygomatique xylophone quasar"}, {"speaker", "Kim Jong-un"}});
  CHECK(none["verdict"] == "not_found");
  CHECK(none["matches"].empty());

  RequireError(c.Post("/api/v1/check", "{\"text\": ", "application/json"), 400, "bad_request");
  RequireError(c.Post("/api/v1/check", R"({"text": "x", "speaker": "Kim", "extra": 1})", "application/json"),
               422, "unprocessable");
  RequireError(c.Post("/api/v1/check", R"({"speaker": "Kim"})", "application/json"), 422, "unprocessable");
  RequireError(c.Post("/api/v1/check", R"({"text": "soutenir"})", "application/json"), 422, "unprocessable");
  RequireError(c.Post("/api/v1/check", R"({"text": 3, "speaker": "Kim"})", "application/json"), 422,
               "unprocessable");
  RequireError(c.Post("/api/v1/check", R"(["soutenir"])", "application/json"), 422, "unprocessable");
  RequireError(c.Post("/api/v1/check", R"({"text": "...", "speaker": "Kim"})", "application/json"), 400,
               "bad_request");
  RequireError(c.Post("/api/v1/check", "{\"text\": \"\xC3\x28\", \"speaker\": \"Kim\"}", "application/json"), 400,
               "bad_request");
  RequireError(c.Get("/api/v1/check"), 405, "method_not_allowed");
}

TEST_CASE("GET /api/v1/export.csv: rows, filters, formula cells, BOM, errors", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  auto r = c.Get("/api/v1/export.csv");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  CHECK(r->get_header_value("Content-Type") == "text/csv; charset=utf-8");
  CHECK(r->get_header_value("Content-Disposition").find("attachment") == 0);
  auto rows = ParseCsv(r->body);
  REQUIRE(rows.size() >= 2);
  CHECK(rows[0] == std::vector<std::string>{"quote", "speaker", "via", "outlet", "title", "url", "published_at",
                                            "first_seen", "kind", "confidence", "cluster_id"});
  for (const auto& row : rows) CHECK(row.size() == 11);
  // One row per stored occurrence.
  auto conn = Connect(env.url);
  REQUIRE(conn.ok());
  pqxx::nontransaction tx(**conn);
  const int64_t occurrences = tx.exec1("SELECT count(*) FROM occurrences")[0].as<int64_t>();
  CHECK(static_cast<int64_t>(rows.size()) - 1 == occurrences);

  auto kim = ParseCsv(c.Get("/api/v1/export.csv?speaker=Kim%20Jong%20Un&agency=KCNA")->body);
  REQUIRE(kim.size() == 2);
  CHECK(kim[1][1] == "Kim Jong-un");
  CHECK(kim[1][2] == "KCNA");
  CHECK(kim[1][0].find("prête à soutenir") == 0);

  auto retraites = ParseCsv(c.Get("/api/v1/export.csv?q=reforme%20des%20retraites&from=2025-02-02")->body);
  REQUIRE(retraites.size() == 3);  // the copies of Feb 5 and Feb 7, in time order
  CHECK(retraites[1][6] == "2025-02-05T08:00:00Z");
  CHECK(retraites[2][6] == "2025-02-07T08:00:00Z");
  CHECK(retraites[1][7] == "2025-02-01T08:00:00Z");  // first_seen: the cluster's first appearance

  auto bom = c.Get("/api/v1/export.csv?speaker=Marc%20Petit&bom=1");
  REQUIRE(bom);
  CHECK(bom->body.rfind("\xEF\xBB\xBF" "quote,", 0) == 0);
  CHECK(c.Get("/api/v1/export.csv?speaker=Marc%20Petit")->body.rfind("quote,", 0) == 0);

  RequireError(c.Get("/api/v1/export.csv?kind=quote"), 400, "bad_request");
  RequireError(c.Get("/api/v1/export.csv?from=yesterday"), 400, "bad_request");
  RequireError(c.Get("/api/v1/export.csv?q=..."), 400, "bad_request");
  RequireError(c.Get("/api/v1/export.csv?raw=maybe"), 400, "bad_request");
  RequireError(c.Post("/api/v1/export.csv", "", "text/plain"), 405, "method_not_allowed");
}

TEST_CASE("export.csv neutralises formula cells unless raw=1", "[api]") {
  Env& env = TheEnv();
  auto c = env.server->Client();
  // An article whose quote and speaker-less words start like formulas.
  json doc = {{"title", "=HYPERLINK(\"http://evil.example\",\"clic\")"},
              {"outlet", "+Outlet"},
              {"url", "https://example.org/formula"},
              {"published_at", "2025-04-01T10:00:00Z"},
              {"language", "fr"},
              {"text", "Lucie Formule a déclaré : « =SUM(A1:A9) reste une formule que personne ne doit exécuter ici ».\n"}};
  auto w = c.Post("/api/v1/documents", Bearer(env.token), doc.dump(), "application/json");
  REQUIRE(w);
  INFO(w->body);
  REQUIRE((w->status == 201 || w->status == 200));
  auto safe = ParseCsv(c.Get("/api/v1/export.csv?speaker=Lucie%20Formule")->body);
  REQUIRE(safe.size() == 2);
  CHECK(safe[1][0].rfind("'=SUM(A1:A9)", 0) == 0);
  CHECK(safe[1][3] == "'+Outlet");
  CHECK(safe[1][4].rfind("'=HYPERLINK(", 0) == 0);
  auto raw = ParseCsv(c.Get("/api/v1/export.csv?speaker=Lucie%20Formule&raw=1")->body);
  REQUIRE(raw.size() == 2);
  CHECK(raw[1][0].rfind("=SUM(A1:A9)", 0) == 0);
  CHECK(raw[1][3] == "+Outlet");
}

// A connection to a fresh, migrated database with the API's session
// settings, for SearchQuotes on clusters the test inserts (InsertQuotes).
std::unique_ptr<pqxx::connection> SearchSession() {
  auto conn = Connect(quotetrail::testing::RequireFreshDatabase(true));
  REQUIRE(conn.ok());
  pqxx::nontransaction s(**conn);
  s.exec(kApiSessionSql);
  return std::move(*conn);
}

// French clusters of these texts, in this order (ids ascending).
void InsertQuotes(pqxx::connection& conn, const std::vector<std::string>& texts) {
  pqxx::work tx(conn);
  for (const std::string& t : texts)
    tx.exec_params("INSERT INTO quotes (canonical_text, norm_text, language) VALUES ($1, $2, 'fr')", t, NormalizeQuote(t));
  tx.commit();
}

// SearchQuotes on its own database: clusters holding the phrase (with the
// full-text match: 1; written without the accent, so without it: 0.85),
// clusters holding q inside a longer word ("forte": not the phrase, a
// full-text match scored by the cover density of its words, below 0.75)
// and clusters matching only the full-text query. Pages of up to 14 rows
// are phrase rows alone, for which the statement skips the full-text stage
// (api_queries.cc, bound); every page size must give the ranking the
// documented formula gives over all candidates, row for row, score for
// score.
TEST_CASE("search pages of any size follow the documented score over every candidate", "[api]") {
  auto conn = SearchSession();
  std::vector<std::string> texts;
  for (int i = 0; i < 9; ++i)
    texts.push_back("Ce matin " + std::to_string(i) + " la tempête souffle fort sur la côte numéro " + std::to_string(i));
  for (int i = 0; i < 6; ++i)
    texts.push_back("Ce soir " + std::to_string(i) + " la tempete souffle fort sur le port numéro " + std::to_string(i));
  for (int i = 0; i < 4; ++i)
    texts.push_back("Hier la tempête souffle forte pluie " + std::to_string(i) + " sur les toits");
  for (int i = 0; i < 14; ++i)
    texts.push_back("Des tempêtes qui soufflaient très fort " + std::to_string(i) + " ont abattu " +
                    std::string(static_cast<size_t>(i % 5 + 1), 'x') + " arbres");
  texts.push_back("Rien à voir avec la météo du jour");
  InsertQuotes(*conn, texts);
  const std::string q = "la tempête souffle fort";
  // The reference: every candidate of both stages (fewer than
  // kSearchCandidates here), scored by the formula of api_queries.h.
  std::vector<std::pair<int64_t, std::string>> expected;
  std::map<std::string, int> by_score;
  {
    pqxx::read_transaction tx(*conn);
    const std::string n = NormalizeQuote(q);
    for (const auto& r : tx.exec_params(
             "SELECT id, round((0.6 * CASE WHEN NOT norm_words @@ phraseto_tsquery('simple', $1) AND fts @@ "
             "plainto_tsquery(qt_ts_config(language), $2) THEN ts_rank_cd(fts, plainto_tsquery(qt_ts_config(language), $2), "
             "32) ELSE word_similarity($1, norm_text) END "
             "+ CASE WHEN norm_words @@ phraseto_tsquery('simple', $1) THEN 0.25 "
             "ELSE 0 END + CASE WHEN fts @@ plainto_tsquery(qt_ts_config(language), $2) THEN 0.15 ELSE 0 END)::numeric, "
             "6)::text AS score FROM quotes WHERE norm_words @@ phraseto_tsquery('simple', $1) "
             "OR fts @@ plainto_tsquery(qt_ts_config(language), $2) ORDER BY score DESC, id",
             n, q)) {
      expected.emplace_back(r[0].as<int64_t>(), r[1].as<std::string>());
      ++by_score[r[1].as<std::string>()];
    }
  }
  REQUIRE(expected.size() == 33);  // all but the last text
  CHECK(by_score["1.000000"] == 9);
  CHECK(by_score["0.850000"] == 6);
  // Every other row, "forte" ones included, ranks below the phrase rows.
  for (size_t i = 15; i < expected.size(); ++i) CHECK(expected[i].second < "0.750000");

  for (int limit : {1, 2, 5, 8, 9, 10, 11, 12, 14, 100}) {
    CAPTURE(limit);
    QuoteFilter f;
    f.q = q;
    std::vector<std::pair<int64_t, std::string>> got;
    std::string cursor;
    for (int guard = 0; guard < 100; ++guard) {
      auto page = SearchQuotes(*conn, f, limit, cursor);
      REQUIRE(page.ok());
      CHECK(page->quotes.size() <= static_cast<size_t>(limit));
      for (const json& s : page->quotes) {
        char score[32];
        std::snprintf(score, sizeof score, "%.6f", s["score"].get<double>());
        got.emplace_back(s["id"].get<int64_t>(), score);
      }
      if (!page->next_cursor) break;
      cursor = *page->next_cursor;
    }
    CHECK(got == expected);
  }
}

// More clusters hold the phrase than the phrase stage keeps
// (kSearchCandidates): the full-text stage finds the others, and they score
// as phrases too; walking the pages gives each cluster once.
TEST_CASE("phrase clusters past the phrase stage's cap still score as phrases", "[api]") {
  auto conn = SearchSession();
  const int n = kSearchCandidates + 30;
  std::vector<std::string> texts;
  for (int i = 0; i < n; ++i) texts.push_back("Numéro " + std::to_string(i) + " : le vent souffle fort sur la digue");
  texts.push_back("Le vent fort souffle");
  InsertQuotes(*conn, texts);
  for (int limit : {7, 100}) {
    CAPTURE(limit);
    QuoteFilter f;
    f.q = "le vent souffle fort";
    std::set<int64_t> seen;
    int phrase_rows = 0, other_rows = 0;
    std::string cursor;
    for (int guard = 0; guard < 200; ++guard) {
      auto page = SearchQuotes(*conn, f, limit, cursor);
      REQUIRE(page.ok());
      for (const json& s : page->quotes) {
        CHECK(seen.insert(s["id"].get<int64_t>()).second);
        const double score = s["score"].get<double>();
        if (score == 1.0) {
          ++phrase_rows;
          CHECK(other_rows == 0);  // every phrase row comes first
        } else {
          ++other_rows;
          CHECK(score < 0.75);
        }
      }
      if (!page->next_cursor) break;
      cursor = *page->next_cursor;
    }
    CHECK(phrase_rows == n);
    CHECK(other_rows == 1);  // "le vent fort souffle": the words, not the phrase
  }
}
