// Robustness of `quotetrail extract` against hostile input: invalid UTF-8,
// binary junk, a 50 MB file of unbalanced quotation marks, only opening marks,
// empty files, malformed JSONL lines and unknown options, all through the real
// binary; plus a direct Extractor test that an unclosed « stays in its paragraph.
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "article.h"
#include "extractor.h"
#include "support/pg_harness.h"
#include "utf8.h"

using quotetrail::testing::TempDir;

namespace {

struct Run {
  int exit_code = -1;  // -1 when killed by a signal (a crash)
  int signal = 0;
  std::string out, err;
  double seconds = 0;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// Runs `quotetrail ARGS` (ARGS already shell-quoted) under `timeout`, with
// stdout and stderr captured in files of `dir`.
Run Quotetrail(const std::string& dir, const std::string& args, int timeout_s = 120) {
  std::string cmd = "timeout -s KILL " + std::to_string(timeout_s) + " '" + QUOTETRAIL_BINARY +
                    "' " + args + " >'" + dir + "/stdout' 2>'" + dir + "/stderr' </dev/null";
  auto t0 = std::chrono::steady_clock::now();
  int status = std::system(cmd.c_str());
  Run r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
    // The shell reports a child killed by signal N as 128+N.
    if (r.exit_code > 128) r.signal = r.exit_code - 128;
  }
  r.out = Slurp(dir + "/stdout");
  r.err = Slurp(dir + "/stderr");
  return r;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> lines;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) lines.push_back(l);
  }
  return lines;
}

// Parses each stdout line as JSON; fails the test on a line that is not.
std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> docs;
  for (const auto& l : Lines(out)) {
    auto j = nlohmann::json::parse(l, nullptr, /*allow_exceptions=*/false);
    INFO("line: " << l.substr(0, 200));
    REQUIRE_FALSE(j.is_discarded());
    docs.push_back(std::move(j));
  }
  return docs;
}

// A news paragraph of ~400 bytes with a balanced quote, for padding.
const char kParagraph[] =
    "Le ministre de l'Intérieur a affirmé mardi devant les députés que la réforme "
    "serait adoptée avant l'été. « Nous irons jusqu'au bout, parce que les Français "
    "l'attendent », a-t-il déclaré, selon l'AFP. L'opposition dénonce un passage en "
    "force et promet de saisir le Conseil constitutionnel dès la semaine prochaine.";

}  // namespace

TEST_CASE("extract robustness: an invalid UTF-8 text file gives a warning naming the byte and still a result",
          "[robustness]") {
  TempDir tmp("qt-robust");
  // "prêts" and "été" in Latin-1: 0xEA and 0xE9 are not valid UTF-8 here.
  WriteBytes(tmp.path() + "/latin.txt",
             "Le maire a d\xe9" "clar\xe9 : \xab Nous sommes pr\xeats \xe0 tout \xbb.\n\n"
             "Le ministre a déclaré : « Nous sommes prêts à discuter avec tout le monde. »\n");
  Run r = Quotetrail(tmp.path(), "extract '" + tmp.path() + "/latin.txt'");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("latin.txt") != std::string::npos);
  CHECK(r.err.find("invalid UTF-8 at byte 12") != std::string::npos);
  CHECK(r.err.find("replaced with U+FFFD") != std::string::npos);
  CHECK(quotetrail::IsValidUtf8(r.out));
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["doc"] == "latin");
  // The valid paragraph's quote survives the repair of the first one.
  bool found = false;
  for (const auto& q : docs[0]["quotes"]) {
    if (q["text"].get<std::string>().find("discuter avec tout le monde") != std::string::npos)
      found = true;
  }
  CHECK(found);
}

TEST_CASE("extract robustness: binary junk is refused with an error naming the file while other files go on",
          "[robustness]") {
  TempDir tmp("qt-robust");
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919 + 13) & 0xff));
  junk[10] = '\0';
  WriteBytes(tmp.path() + "/junk.txt", junk);
  WriteBytes(tmp.path() + "/good.txt", kParagraph);
  Run r = Quotetrail(tmp.path(),
                     "extract '" + tmp.path() + "/junk.txt' '" + tmp.path() + "/good.txt'");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.signal == 0);
  CHECK(r.err.find(tmp.path() + "/junk.txt: looks binary") != std::string::npos);
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["doc"] == "good");
  CHECK_FALSE(docs[0]["quotes"].empty());
}

TEST_CASE("extract robustness: a 50 MB file of unbalanced quotation marks completes and produces output",
          "[robustness][slow]") {
  TempDir tmp("qt-robust");
  // Paragraphs where marks never pair up: lone «, lone ", stray » and “.
  const std::string unbalanced[] = {
      "Le porte-parole a déclaré : « Nous ne céderons pas sur ce point, a-t-il dit "
      "devant la presse réunie à Paris, et le gouvernement tiendra bon.",
      "The minister said \"we will not back down on this, he told reporters in London, "
      "and the cabinet agreed with him on every point raised.",
      "Selon l'AFP, la situation reste tendue » dans la région, où les combats ont "
      "repris « depuis lundi, d'après des témoins \" joints par téléphone.",
      "“ An official who asked not to be named said the talks had stalled \" and "
      "would resume « next week » » » if the weather allowed it.",
      kParagraph,
  };
  std::string text;
  const size_t kTarget = 50u * 1000 * 1000;
  text.reserve(kTarget + 1024);
  for (size_t i = 0; text.size() < kTarget; ++i) {
    text += unbalanced[i % 5];
    text += "\n\n";
  }
  WriteBytes(tmp.path() + "/big.txt", text);
  Run r = Quotetrail(tmp.path(), "extract '" + tmp.path() + "/big.txt'", /*timeout_s=*/540);
  INFO("stderr: " << r.err.substr(0, 2000) << "\nseconds: " << r.seconds);
  REQUIRE(r.signal == 0);  // 9 = killed by the timeout, 11 = crashed
  CHECK(r.exit_code == 0);
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["doc"] == "big");
  const auto& quotes = docs[0]["quotes"];
  CHECK(quotes.size() > 10000);
  // No quote runs across a paragraph break: every unbalanced mark is confined.
  size_t crossing = 0, longest = 0;
  for (const auto& q : quotes) {
    const auto& t = q["text"].get_ref<const std::string&>();
    if (t.find("\n\n") != std::string::npos) ++crossing;
    longest = std::max(longest, t.size());
  }
  CHECK(crossing == 0);
  CHECK(longest < 1000);
}

TEST_CASE("extract robustness: a file of opening marks only yields no empty or mark-only quotes", "[robustness]") {
  TempDir tmp("qt-robust");
  std::string text;
  for (int i = 0; i < 2000; ++i) text += i % 3 == 0 ? "« " : i % 3 == 1 ? "\" " : "“ ";
  text += "\n\n« « «\n\n\"\"\"\"\n";
  WriteBytes(tmp.path() + "/open.txt", text);
  Run r = Quotetrail(tmp.path(), "extract '" + tmp.path() + "/open.txt'");
  INFO("stderr: " << r.err);
  REQUIRE(r.signal == 0);
  CHECK(r.exit_code == 0);
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["doc"] == "open");
  for (const auto& q : docs[0]["quotes"]) {
    const auto& t = q["text"].get_ref<const std::string&>();
    INFO("quote: " << t.substr(0, 80));
    CHECK(t.find_first_not_of("«»“”\" \n\xc2\xab\xbb\xe2\x80\x9c\x9d") != std::string::npos);
  }
}

TEST_CASE("extract robustness: an empty file gives an empty result and a warning, exit 0", "[robustness]") {
  TempDir tmp("qt-robust");
  WriteBytes(tmp.path() + "/empty.txt", "");
  Run r = Quotetrail(tmp.path(), "extract '" + tmp.path() + "/empty.txt'");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("empty.txt") != std::string::npos);
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 1);
  CHECK(docs[0]["doc"] == "empty");
  CHECK(docs[0]["quotes"].empty());
}

TEST_CASE("extract robustness: a malformed JSONL line is reported as file:line and the good lines still come out",
          "[robustness]") {
  TempDir tmp("qt-robust");
  WriteBytes(tmp.path() + "/mixed.jsonl",
             "{\"id\":\"one\",\"language\":\"fr\",\"text\":\"Le maire a déclaré : « Nous "
             "allons reconstruire l'école avant la rentrée. »\"}\n"
             "{\"id\":\"two\",\"text\": \"unterminated\n"
             "[1,2,3]\n"
             "{\"id\":\"four\",\"text\":\"The mayor said: \\\"We will rebuild the school "
             "before the autumn term.\\\"\"}\n");
  Run r = Quotetrail(tmp.path(), "extract '" + tmp.path() + "/mixed.jsonl'");
  INFO("stderr: " << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.err.find(tmp.path() + "/mixed.jsonl:2:") != std::string::npos);
  CHECK(r.err.find(tmp.path() + "/mixed.jsonl:3:") != std::string::npos);
  CHECK(r.err.find("mixed.jsonl:1:") == std::string::npos);
  CHECK(r.err.find("mixed.jsonl:4:") == std::string::npos);
  auto docs = JsonLines(r.out);
  REQUIRE(docs.size() == 2);
  CHECK(docs[0]["doc"] == "one");
  CHECK(docs[1]["doc"] == "four");
  CHECK(docs[0]["quotes"].size() == 1);
  CHECK(docs[1]["quotes"].size() == 1);
}

TEST_CASE("extract robustness: an unknown option exits 2 with a usage message and no output", "[robustness]") {
  TempDir tmp("qt-robust");
  WriteBytes(tmp.path() + "/a.txt", kParagraph);
  Run r = Quotetrail(tmp.path(), "extract --no-such-option '" + tmp.path() + "/a.txt'");
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("--no-such-option") != std::string::npos);
  CHECK(r.out.empty());
}

TEST_CASE("extract robustness: an unclosed « in paragraph 1 does not swallow paragraph 2", "[robustness]") {
  auto loaded = quotetrail::Extractor::Load(QUOTETRAIL_EXTRACTORS_DIR);
  REQUIRE(loaded.ok());
  const auto& ex = **loaded;

  struct Case {
    const char* name;
    std::string p1, p2;
  };
  const std::vector<Case> cases = {
      {"p2 without marks",
       "Le ministre a déclaré : « Nous allons gagner cette bataille, quoi qu'il en coûte.",
       "Les syndicats ont appelé à une nouvelle journée de mobilisation jeudi prochain."},
      {"p2 with a balanced quote",
       "Le ministre a déclaré : « Nous allons gagner cette bataille, quoi qu'il en coûte.",
       "Le secrétaire général a répondu : « Nous serons dans la rue jeudi prochain. »"},
      {"p2 with a lone closing mark",
       "Le ministre a déclaré : « Nous allons gagner cette bataille, quoi qu'il en coûte.",
       "Les syndicats, eux, parlent d'une provocation » et appellent à manifester jeudi."},
      {"English straight quote",
       "The minister said: \"We will win this battle, whatever it costs us in the end.",
       "Unions called for another day of strikes next Thursday across the country."},
  };
  for (const auto& c : cases) {
    quotetrail::Article a;
    a.id = "unclosed";
    a.text = c.p1 + "\n\n" + c.p2;
    const size_t p1_end = c.p1.size();
    auto x = ex.Extract(a, quotetrail::ExtractOptions{});
    INFO("case: " << c.name);
    for (const auto& q : x.quotes) {
      INFO("quote [" << q.begin << "," << q.end << "): " << q.text);
      CHECK(q.begin < q.end);
      CHECK(q.end <= a.text.size());
      CHECK(a.text.compare(q.begin, q.end - q.begin, q.text) == 0);
      if (q.begin < p1_end) {
        CHECK(q.end <= p1_end);
      }
      CHECK(q.text.find("\n\n") == std::string::npos);
    }
  }
}
