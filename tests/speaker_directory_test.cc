// One speaker across articles (speaker_directory.h), without a database.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "gazetteer.h"
#include "speaker_directory.h"

using namespace quotetrail;

namespace {

struct Fixture {
  int64_t next = 0;
  std::function<int64_t()> ids = [this] { return ++next; };
};

}  // namespace

TEST_CASE("speaker keys fold case, accents, hyphens and dots", "[speakers]") {
  CHECK(SpeakerKey("Kim Jong-un") == "kim jong un");
  CHECK(SpeakerKey("Kim Jong Un") == "kim jong un");
  CHECK(SpeakerKey("Sergueï  LAVROV") == "serguei lavrov");
  CHECK(SpeakerKey("B. Obama") == "b obama");
}

TEST_CASE("names identify, descriptions do not", "[speakers]") {
  for (const char* name : {"Sergueï Lavrov", "Kim Jong-un", "Le Figaro", "Human Rights Watch",
                           "Jean-Luc Mélenchon", "Ursula von der Leyen", "NASA", "Lavrov"}) {
    INFO(name);
    CHECK(IsName(name));
  }
  for (const char* name : {"le dirigeant nord-coréen", "The army", "Les deux pays",
                           "Le gouvernement malien", "ministère de l'Intérieur",
                           "Un ancien guide touristique", "C'", ""}) {
    INFO(name);
    CHECK_FALSE(IsName(name));
  }
}

TEST_CASE("transliterations, short forms and spellings of one person are one speaker",
          "[speakers]") {
  Fixture f;
  SpeakerDirectory d(nullptr);
  const int64_t lavrov = d.Resolve("Sergueï Lavrov", "person", f.ids);
  CHECK(lavrov != 0);
  CHECK(d.Resolve("Sergei Lavrov", "person", f.ids) == lavrov);
  CHECK(d.Resolve("Sergey Lavrov", "person", f.ids) == lavrov);
  CHECK(d.Resolve("S. Lavrov", "person", f.ids) == lavrov);
  CHECK(d.Resolve("Lavrov", "person", f.ids) == lavrov);
  const int64_t kim = d.Resolve("Kim Jong-un", "person", f.ids);
  CHECK(d.Resolve("Kim Jong Un", "person", f.ids) == kim);
  CHECK(kim != lavrov);
  auto changes = d.TakeChanges();
  CHECK(changes.created.size() == 2);
  CHECK(changes.aliases.size() == 6);  // serguei/sergei/sergey/s lavrov, lavrov... and kim
}

TEST_CASE("an ambiguous single name is not merged into either person", "[speakers]") {
  Fixture f;
  SpeakerDirectory d(nullptr);
  const int64_t sergei = d.Resolve("Sergueï Lavrov", "person", f.ids);
  const int64_t ivan = d.Resolve("Ivan Lavrov", "person", f.ids);
  CHECK(sergei != ivan);
  const int64_t lavrov = d.Resolve("Lavrov", "person", f.ids);
  CHECK(lavrov != sergei);
  CHECK(lavrov != ivan);
  CHECK(d.Find(lavrov)->name == "Lavrov");
  CHECK(d.Resolve("Lavrov", "person", f.ids) == lavrov);  // the same short name again
}

TEST_CASE("different first names with the same surname stay apart", "[speakers]") {
  Fixture f;
  SpeakerDirectory d(nullptr);
  const int64_t a = d.Resolve("Marine Le Pen", "person", f.ids);
  CHECK(d.Resolve("Jean-Marie Le Pen", "person", f.ids) != a);
  CHECK(d.Resolve("Martin Le Pen", "person", f.ids) != a);  // 2 edits, but other consonants
  const int64_t m = d.Resolve("Mohamed Salah", "person", f.ids);
  CHECK(d.Resolve("Mohammed Salah", "person", f.ids) == m);  // a doubled letter
  CHECK(d.Resolve("Marine Le Pen", "person", f.ids) == a);
}

TEST_CASE("a single name seen first takes the full name when it comes", "[speakers]") {
  Fixture f;
  SpeakerDirectory d(nullptr);
  const int64_t lavrov = d.Resolve("Lavrov", "person", f.ids);
  (void)d.TakeChanges();
  CHECK(d.Resolve("Sergueï Lavrov", "person", f.ids) == lavrov);
  CHECK(d.Find(lavrov)->name == "Sergueï Lavrov");
  auto changes = d.TakeChanges();
  CHECK(changes.renamed == std::vector<int64_t>{lavrov});
  CHECK(changes.created.empty());
}

TEST_CASE("descriptions get no speaker", "[speakers]") {
  Fixture f;
  SpeakerDirectory d(nullptr);
  CHECK(d.Resolve("Les deux pays", "group", f.ids) == 0);
  CHECK(d.Resolve("le dirigeant nord-coréen", "person", f.ids) == 0);
  CHECK(d.TakeChanges().created.empty());
}

TEST_CASE("organisations match by exact key, relays by their canonical name", "[speakers]") {
  auto g = Gazetteer::Load(std::string(QUOTETRAIL_EXTRACTORS_DIR) + "/common/agencies.tsv");
  REQUIRE(g.ok());
  Fixture f;
  SpeakerDirectory d(g->get());
  const int64_t tass = d.Resolve("TASS", "organisation", f.ids);
  CHECK(d.Find(tass)->name == "Tass");
  CHECK(d.Resolve("agence Tass", "organisation", f.ids) == tass);
  const int64_t hrw = d.Resolve("Human Rights Watch", "organisation", f.ids);
  CHECK(d.Resolve("human rights watch", "organisation", f.ids) == 0);  // not capitalised: a description
  CHECK(d.Resolve("Human Rights  Watch", "organisation", f.ids) == hrw);
}

TEST_CASE("a stored directory resolves like the one that built it", "[speakers]") {
  Fixture f;
  SpeakerDirectory built(nullptr);
  const int64_t lavrov = built.Resolve("Sergueï Lavrov", "person", f.ids);
  built.Resolve("Lavrov", "person", f.ids);
  SpeakerDirectory loaded(nullptr);
  loaded.AddStored(lavrov, "Sergueï Lavrov", "person");
  for (const auto& [key, id] : built.TakeChanges().aliases) loaded.AddStoredAlias(key, id);
  CHECK(loaded.Resolve("Sergei Lavrov", "person", f.ids) == lavrov);
  CHECK(loaded.Resolve("Lavrov", "person", f.ids) == lavrov);
  CHECK(loaded.TakeChanges().created.empty());
}
