// Tests of the input layer: UTF-8 (utf8.h), HTML text and metadata
// (html_text.h) and reading files into articles (article_reader.h).
//
// One hidden test, "[.dev]", compares ParseHtmlPage on the whole fr_dev
// corpus with its reference texts: run it with
//   input_test "[.dev]" -s
// (QUOTETRAIL_FR_DEV overrides the corpus folder, by default
// /work/shared/corpus/fr_dev).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "article_reader.h"
#include "html_text.h"
#include "utf8.h"

namespace fs = std::filesystem;
using namespace quotetrail;

namespace {

// A fresh directory under the system temporary directory, removed (with its
// contents) when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("qt-input-test-" + std::to_string(rd()) + "-" +
                                         std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `bytes` to the relative path `name` (creating folders); returns the full path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    const fs::path p = path_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary);
    out << bytes;
    return p.string();
  }
  std::string path() const { return path_.string(); }

 private:
  fs::path path_;
};

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A straightforward UTF-8 validator written from the definition (bit
// patterns, then code point ranges), to cross-check the fast one.
bool ReferenceValid(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    size_t len;
    char32_t cp;
    if (b < 0x80) { len = 1; cp = b; }
    else if ((b >> 5) == 0x6) { len = 2; cp = b & 0x1F; }
    else if ((b >> 4) == 0xE) { len = 3; cp = b & 0x0F; }
    else if ((b >> 3) == 0x1E) { len = 4; cp = b & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c >> 6) != 0x2) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    const char32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

struct Collected {
  std::vector<Article> articles;
  std::vector<std::string> errors;
  std::vector<std::string> warnings;
};

Collected Read(const std::string& path, ReadOptions opts = {}) {
  Collected c;
  opts.warning = [&c](const std::string& m) { c.warnings.push_back(m); };
  ReadArticles(path, opts, [&c](Result<Article> a) {
    if (a.ok()) c.articles.push_back(std::move(a).value());
    else c.errors.push_back(a.status().message());
  });
  return c;
}

Collected ReadContent(const std::string& content, const std::string& path, InputFormat format) {
  Collected c;
  ReadOptions opts;
  opts.warning = [&c](const std::string& m) { c.warnings.push_back(m); };
  ReadArticlesFromContent(content, path, format, opts, [&c](Result<Article> a) {
    if (a.ok()) c.articles.push_back(std::move(a).value());
    else c.errors.push_back(a.status().message());
  });
  return c;
}

HtmlPage Parse(std::string_view html) {
  Result<HtmlPage> page = ParseHtmlPage(html);
  INFO(page.status().ToString());
  REQUIRE(page.ok());
  return std::move(page).value();
}

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const std::string kNbsp = "\xC2\xA0";
const std::string kNnbsp = "\xE2\x80\xAF";

}  // namespace

// ====================================================================== UTF-8

TEST_CASE("input: valid ASCII, French, Russian, Korean and 4-byte text is accepted", "[utf8]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain ASCII text, long enough to take the sixteen-byte fast path"));
  CHECK(IsValidUtf8("Le ministre a déclaré : « Nous sommes prêts à négocier » — été, Noël, œuvre."));
  CHECK(IsValidUtf8("Министр заявил: «Мы готовы к переговорам»."));
  CHECK(IsValidUtf8("장관은 \"우리는 협상할 준비가 되어 있다\"고 말했다."));
  CHECK(IsValidUtf8("emoji \xF0\x9F\x98\x80 and U+10FFFF \xF4\x8F\xBF\xBF"));
  CHECK(IsValidUtf8(std::string("NUL \0 is valid UTF-8", 21)));
  // Boundaries of each length.
  CHECK(IsValidUtf8("\x7F \xC2\x80 \xDF\xBF \xE0\xA0\x80 \xEF\xBF\xBF \xF0\x90\x80\x80"));
  CHECK(IsValidUtf8("\xED\x9F\xBF \xEE\x80\x80"));  // U+D7FF and U+E000 around the surrogates
}

TEST_CASE("input: overlong encodings are rejected at their first byte", "[utf8]") {
  size_t bad = 99;
  CHECK_FALSE(IsValidUtf8("ab\xC0\xAF", &bad));  // '/' in two bytes
  CHECK(bad == 2);
  CHECK_FALSE(IsValidUtf8("\xC1\xBF", &bad));
  CHECK(bad == 0);
  CHECK_FALSE(IsValidUtf8("x\xE0\x80\xAF", &bad));  // three bytes
  CHECK(bad == 1);
  CHECK_FALSE(IsValidUtf8("\xE0\x9F\xBF", &bad));   // U+07FF in three bytes
  CHECK_FALSE(IsValidUtf8("\xF0\x80\x80\xAF", &bad));  // four bytes
  CHECK_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF", &bad));  // U+FFFF in four bytes
}

TEST_CASE("input: surrogates and code points above U+10FFFF are rejected", "[utf8]") {
  size_t bad = 99;
  CHECK_FALSE(IsValidUtf8("abc\xED\xA0\x80", &bad));  // U+D800
  CHECK(bad == 3);
  CHECK_FALSE(IsValidUtf8("\xED\xBF\xBF", &bad));     // U+DFFF
  CHECK_FALSE(IsValidUtf8("\xF4\x90\x80\x80", &bad)); // U+110000
  CHECK_FALSE(IsValidUtf8("\xF5\x80\x80\x80", &bad));
  CHECK_FALSE(IsValidUtf8("\xFF", &bad));
  CHECK_FALSE(IsValidUtf8("\xFE", &bad));
}

TEST_CASE("input: truncated sequences and stray continuation bytes are rejected", "[utf8]") {
  size_t bad = 99;
  CHECK_FALSE(IsValidUtf8("caf\xC3", &bad));           // cut at the end
  CHECK(bad == 3);
  CHECK_FALSE(IsValidUtf8("\xE2\x82", &bad));
  CHECK(bad == 0);
  CHECK_FALSE(IsValidUtf8("\xF0\x9F\x98", &bad));
  CHECK_FALSE(IsValidUtf8("\xE2\x82x", &bad));         // cut in the middle
  CHECK(bad == 0);
  CHECK_FALSE(IsValidUtf8("ok \x80 ok", &bad));        // lone continuation byte
  CHECK(bad == 3);
  CHECK_FALSE(IsValidUtf8("\xC3\xA9\xA9", &bad));      // one continuation too many
  CHECK(bad == 2);
}

TEST_CASE("input: the offset of the first invalid byte is exact at every position around the fast path",
          "[utf8]") {
  for (size_t prefix = 0; prefix < 70; ++prefix) {
    for (const std::string bad_seq : {"\xFF", "\xC3", "\xE9x", "\xED\xA0\x80"}) {
      std::string s(prefix, 'a');
      if (prefix > 20) s.replace(5, 2, "\xC3\xA9");  // a valid accent before it
      s += bad_seq;
      s += std::string(40, 'z');
      size_t bad = 0;
      INFO("prefix " << prefix);
      CHECK_FALSE(IsValidUtf8(s, &bad));
      CHECK(bad == prefix);
    }
  }
}

TEST_CASE("input: validation agrees with a reference validator on all short sequences", "[utf8]") {
  size_t mismatches = 0;
  std::string s(3, '\0');
  for (int a = 0x80; a < 0x100; ++a) {
    for (int b = 0; b < 0x100; ++b) {
      for (int c = 0; c < 0x100; c += 3) {  // every third third byte keeps it quick
        s[0] = static_cast<char>(a);
        s[1] = static_cast<char>(b);
        s[2] = static_cast<char>(c);
        for (size_t len = 1; len <= 3; ++len) {
          const std::string_view v(s.data(), len);
          if (IsValidUtf8(v) != ReferenceValid(v)) ++mismatches;
        }
      }
    }
  }
  std::mt19937 rng(42);
  for (int i = 0; i < 200000; ++i) {
    std::string r(4 + rng() % 20, '\0');
    for (auto& ch : r) {
      const unsigned x = rng();
      // Mostly bytes from the interesting ranges, so that valid strings occur.
      ch = static_cast<char>(x % 4 == 0 ? 0x61 : x % 4 == 1 ? 0x80 + (x >> 8) % 0x40
                                          : x % 4 == 2 ? 0xC0 + (x >> 8) % 0x40 : x >> 8);
    }
    if (IsValidUtf8(r) != ReferenceValid(r)) ++mismatches;
  }
  CHECK(mismatches == 0);
}

TEST_CASE("input: repair replaces each maximal invalid subpart with one U+FFFD", "[utf8]") {
  size_t replaced = 99;
  CHECK(RepairUtf8("a\xFF" "b", &replaced) == "a\xEF\xBF\xBD" "b");
  CHECK(replaced == 1);
  CHECK(RepairUtf8("caf\xC3", &replaced) == "caf\xEF\xBF\xBD");
  CHECK(replaced == 1);
  CHECK(RepairUtf8("\xE2\x82x", &replaced) == "\xEF\xBF\xBDx");  // lead + continuation: one
  CHECK(replaced == 1);
  CHECK(RepairUtf8("\xF0\x9F\x98!", &replaced) == "\xEF\xBF\xBD!");
  CHECK(replaced == 1);
  // An overlong and a surrogate: each byte is its own replacement (as browsers do).
  CHECK(RepairUtf8("\xC0\xAF", &replaced) == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(replaced == 2);
  CHECK(RepairUtf8("\xED\xA0\x80", &replaced) == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(replaced == 3);
  // Latin-1 French: every accented letter becomes one replacement, the rest stays.
  const std::string fixed = RepairUtf8("d\xe9" "clar\xe9 \xe0 l'\xe9t\xe9 -- d\xc3\xa9j\xc3\xa0", &replaced);
  CHECK(replaced == 5);
  CHECK(fixed == "d\xEF\xBF\xBD" "clar\xEF\xBF\xBD \xEF\xBF\xBD l'\xEF\xBF\xBDt\xEF\xBF\xBD -- déjà");
  CHECK(IsValidUtf8(fixed));
}

TEST_CASE("input: repair leaves valid text unchanged and always returns valid UTF-8", "[utf8]") {
  size_t replaced = 99;
  const std::string fr = "« Nous sommes prêts », a déclaré le ministre.";
  CHECK(RepairUtf8(fr, &replaced) == fr);
  CHECK(replaced == 0);
  std::mt19937 rng(7);
  for (int i = 0; i < 20000; ++i) {
    std::string r(rng() % 40, '\0');
    for (auto& ch : r) ch = static_cast<char>(rng() % 3 ? 0x80 + rng() % 0x80 : rng() % 0x80);
    CHECK(IsValidUtf8(RepairUtf8(r)));
  }
}

TEST_CASE("input: code points are counted, not bytes", "[utf8]") {
  CHECK(CountCodePoints("") == 0);
  CHECK(CountCodePoints("hello") == 5);
  CHECK(CountCodePoints("héllo") == 5);
  CHECK(CountCodePoints("한국어") == 3);
  CHECK(CountCodePoints("\xF0\x9F\x98\x80") == 1);
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "Москва « été » ";
  CHECK(CountCodePoints(long_text) == 100 * 15);
}

TEST_CASE("input: decoding and encoding round-trip every length boundary", "[utf8]") {
  for (char32_t cp : {U'\0', U'A', U'\x7F', U'\x80', U'\xE9', U'\x7FF', U'\x800', U'\xAB',
                      U'\x202F', U'\xD7FF', U'\xE000', U'\xFFFD', U'\xFFFF', U'\x10000',
                      U'\x1F600', U'\x10FFFF'}) {
    std::string s;
    AppendUtf8(s, cp);
    CHECK(IsValidUtf8(s));
    size_t pos = 0;
    CHECK(DecodeUtf8(s, pos) == cp);
    CHECK(pos == s.size());
  }
  std::string s;
  AppendUtf8(s, 0xD800);    // a surrogate cannot be encoded
  AppendUtf8(s, 0x110000);  // nor can this
  CHECK(s == "\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST_CASE("input: decoding invalid input yields U+FFFD and always advances", "[utf8]") {
  const std::string bad = "\xFF\xE2\x82x\xC3";
  size_t pos = 0;
  std::u32string out;
  while (pos < bad.size()) out.push_back(DecodeUtf8(bad, pos));
  CHECK(out == U"\xFFFD\xFFFDx\xFFFD");
  const std::string text = "Noël";
  pos = 0;
  std::u32string decoded;
  while (pos < text.size()) decoded.push_back(DecodeUtf8(text, pos));
  CHECK(decoded == U"Noël");
}

TEST_CASE("input: Windows-1252 and Latin-9 bytes are converted to UTF-8", "[utf8]") {
  CHECK(Windows1252ToUtf8("\xE9t\xE9 \x80 l\x92\xE9" "cole \xAB oui \xBB \x9C") ==
        "été € l’école « oui » œ");
  CHECK(Latin9ToUtf8("\xA4 \xBD\x75vre \xE9") == "€ œuvre é");
}

// ====================================================================== HTML

TEST_CASE("input: script, style, nav, footer, aside and the comment form are left out", "[html]") {
  const HtmlPage page = Parse(R"(<!DOCTYPE html><html><head><title>T</title>
    <style>p { color: red }</style><script>var x = "not text";</script></head><body>
    <nav><a href="/">Accueil</a> <a href="/monde">Monde</a></nav>
    <p>Le texte de l'article.</p>
    <script>document.write("nope")</script><noscript>Activez JavaScript</noscript>
    <aside>Lire aussi : autre chose</aside>
    <p>Deuxième paragraphe.</p>
    <div id="comments"><h3>3 commentaires</h3><p>Super article !</p></div>
    <div id="respond" class="comment-respond"><h3>Laisser un commentaire</h3>
      <form><textarea>...</textarea><button>Envoyer</button></form></div>
    <div class="sharedaddy">Partager : Facebook Twitter</div>
    <div class="cookie-banner">Nous utilisons des cookies</div>
    <footer>© Le Journal 2024</footer>
    </body></html>)");
  CHECK(page.text == "Le texte de l'article.\n\nDeuxième paragraphe.");
}

TEST_CASE("input: hidden elements are left out", "[html]") {
  const HtmlPage page = Parse(
      "<p>Visible<span hidden> caché</span> texte.</p>"
      "<p aria-hidden=\"true\">Lecteurs d'écran non</p>"
      "<div style=\"color: red; DISPLAY : none\">Masqué</div>"
      "<div style=\"visibility:hidden\">Aussi masqué</div>"
      "<p>Fin.</p>");
  CHECK(page.text == "Visible texte.\n\nFin.");
}

TEST_CASE("input: words that only look like boilerplate stay", "[html]") {
  const HtmlPage page = Parse(
      "<article><div class=\"article-commentary\"><p>Une analyse.</p></div>"
      "<div class=\"commentaires\">Avis des lecteurs</div></article>");
  CHECK(page.text == "Une analyse.");
  // WordPress puts the post's categories and tags in its class list.
  const HtmlPage wp = Parse(
      "<div id=\"post-12\" class=\"post-12 post type-post category-social tag-partage\">"
      "<h2>Titre</h2><p>Le texte.</p><div class=\"share-buttons\">Partager</div></div>");
  CHECK(wp.text == "Titre\n\nLe texte.");
}

TEST_CASE("input: entities are decoded and soft hyphens removed", "[html]") {
  const HtmlPage page = Parse(
      "<p>Caf&eacute; &amp; th&#xE9; &lt;b&gt; &quot;ok&quot; &#8364;5 pre&shy;mier "
      "lan\xC2\xAD" "ceur</p>");
  CHECK(page.text == "Café & thé <b> \"ok\" €5 premier lanceur");
}

TEST_CASE("input: block elements give paragraphs separated by one blank line", "[html]") {
  const HtmlPage page = Parse(
      "<body>\n  <h1>  Titre\n de l'article </h1>\n"
      "<p>Un   paragraphe\n\t sur deux lignes.</p><p></p><p>   </p>"
      "<div>Avant<br>après le saut</div>"
      "<ul><li>un</li><li>deux</li></ul>"
      "<blockquote>Une citation</blockquote>"
      "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>"
      "<p>Du <b>gras</b>, de l'<i>italique</i> et un <a href=x>lien</a>.</p></body>");
  CHECK(page.text ==
        "Titre de l'article\n\nUn paragraphe sur deux lignes.\n\nAvant\n\naprès le saut\n\n"
        "un\n\ndeux\n\nUne citation\n\na b\n\nc\n\nDu gras, de l'italique et un lien.");
}

TEST_CASE("input: no-break spaces inside « » are kept, at paragraph ends they are trimmed", "[html]") {
  const HtmlPage page = Parse(
      "<p>Il a dit&nbsp;: «&nbsp;Nous sommes prêts&#8239;» et «\xC2\xA0" "après\xE2\x80\xAF»."
      "</p><p>&nbsp;</p><p>&nbsp;Fin&nbsp;</p>");
  CHECK(page.text == "Il a dit" + kNbsp + ": «" + kNbsp + "Nous sommes prêts" + kNnbsp +
                         "» et «" + kNbsp + "après" + kNnbsp + "».\n\nFin");
}

TEST_CASE("input: broken HTML still gives its text", "[html]") {
  CHECK(Parse("<p>un<p>deux<div>trois<b>quatre").text == "un\n\ndeux\n\ntroisquatre");
  CHECK(Parse("<html><body><p>texte <i>non fermé</b> suite</p></div></span>fin").text ==
        "texte non fermé suite\n\nfin");
  CHECK(Parse("<<>><p>></p>< p>garbage</ p>&&&;").text == "<<>>\n\n>\n\n< p>garbage&&&;");
  CHECK(Parse("texte sans balise").text == "texte sans balise");
  CHECK(Parse("<p>coupé au milieu <a href=\"htt").text == "coupé au milieu");
  CHECK(Parse("").text.empty());
  CHECK(Parse("<script>jamais fermé <p>").text.empty());
  // Invalid UTF-8 and NUL bytes reach the parser intact and do not break it.
  const HtmlPage junk = Parse(std::string("<p>a\xFF\xFE\0b</p>", 10));
  CHECK(IsValidUtf8(junk.text));
  CHECK(Has(junk.text, "a"));
  // Random bytes with tag-ish characters: any text, no crash.
  std::mt19937 rng(3);
  const std::string alphabet = "<>/=\"' abcdiv p&;!-\n\xC3\xA9\xFF";
  for (int i = 0; i < 200; ++i) {
    std::string s(rng() % 400, ' ');
    for (auto& ch : s) ch = alphabet[rng() % alphabet.size()];
    CHECK(ParseHtmlPage(s).ok());
  }
}

TEST_CASE("input: pathologically deep nesting is refused quickly instead of parsed for minutes",
          "[html]") {
  std::string deep = "<html><body>";
  for (int i = 0; i < 200000; ++i) deep += "<div>x";
  Result<HtmlPage> page = ParseHtmlPage(deep);
  REQUIRE_FALSE(page.ok());
  CHECK(page.status().code() == ErrorCode::kInvalidArgument);
  CHECK(Has(page.status().message(), "nested too deeply"));
  // Ordinary depth, and many unclosed <p>/<li> (which the parser closes itself), are fine.
  std::string fine;
  for (int i = 0; i < 300; ++i) fine += "<div>x";
  for (int i = 0; i < 50000; ++i) fine += "<p>y<li>z";
  CHECK(ParseHtmlPage(fine).ok());
}

TEST_CASE("input: the text comes from the article element when there is one", "[html]") {
  const HtmlPage page = Parse(R"(<html><body>
    <header class="site"><div class="logo">Le Journal</div><h1>Grève à la SNCF</h1></header>
    <div class="menu">Politique Économie Sport</div>
    <main>
      <article><p>Premier paragraphe de l'article, assez long pour compter.</p>
        <p>Second paragraphe, tout aussi important pour le lecteur.</p></article>
      <article class="teaser"><p>Un autre article</p></article>
    </main>
    <div class="promo">Abonnez-vous</div>
    </body></html>)");
  // The site header is dropped, but its h1 is the headline and comes first.
  CHECK(page.text ==
        "Grève à la SNCF\n\nPremier paragraphe de l'article, assez long pour compter.\n\n"
        "Second paragraphe, tout aussi important pour le lecteur.");
}

TEST_CASE("input: an article's own header with its h1 and byline is kept", "[html]") {
  const HtmlPage page = Parse(R"(<html><head><title>Grève | Le Journal</title></head><body>
    <header><h1>Le Journal</h1><nav>Menu</nav></header>
    <article><header><h1>Grève</h1><p class="byline">Par A. Dupont</p></header>
      <p>Le texte de l'article, qui est ici.</p></article></body></html>)");
  CHECK(page.text == "Grève\n\nPar A. Dupont\n\nLe texte de l'article, qui est ici.");
}

TEST_CASE("input: an h1 that is not the title is not prepended", "[html]") {
  const HtmlPage page = Parse(R"(<html><head><title>Inondations dans le Sud</title></head>
    <body><header><h1>Mon Blog</h1></header>
    <article><h2>Inondations dans le Sud</h2><p>Le texte.</p></article></body></html>)");
  CHECK(page.text == "Inondations dans le Sud\n\nLe texte.");
}

TEST_CASE("input: a small article element is not taken for the page's text", "[html]") {
  const HtmlPage page = Parse(R"(<body><div class="content">
    <p>Un long texte d'article qui n'est pas dans un élément article, mais dans une div,
    comme sur beaucoup de sites anciens. Il continue encore un peu pour être long.</p>
    <p>Et un second paragraphe, pour faire bonne mesure, lui aussi assez long.</p></div>
    <div><article><p>Pub</p></article></div></body>)");
  CHECK(Has(page.text, "Un long texte"));
  CHECK(Has(page.text, "second paragraphe"));
}

TEST_CASE("input: itemprop=articleBody is a text root", "[html]") {
  const HtmlPage page = Parse(R"(<html><head><title>Titre</title></head><body>
    <div class="top">Haut de page</div><h1>Titre</h1>
    <div itemprop="articleBody"><p>Corps de l'article.</p></div>
    <div class="bas">Bas de page</div></body></html>)");
  CHECK(page.text == "Titre\n\nCorps de l'article.");
}

TEST_CASE("input: page metadata comes from meta tags, link, html lang and time", "[html]") {
  const HtmlPage page = Parse(R"(<!doctype html><html lang="fr-FR"><head>
    <meta charset="utf-8">
    <title>  Grève &amp; manifestations | Le Journal </title>
    <meta property="og:title" content="Grève og">
    <meta property="og:site_name" content="Le Journal">
    <meta property="og:url" content="https://example.org/og">
    <link rel="canonical" href="https://example.org/greve">
    <meta property="article:published_time" content="2024-03-01T10:00:00+01:00">
    <meta name="description" content="Des milliers   de manifestants.">
    </head><body><time datetime="2020-01-01">1er janvier</time><p>Texte.</p></body></html>)");
  CHECK(page.title == "Grève & manifestations | Le Journal");
  CHECK(page.site_name == "Le Journal");
  CHECK(page.canonical_url == "https://example.org/greve");
  CHECK(page.published_time == "2024-03-01T10:00:00+01:00");
  CHECK(page.lang == "fr-FR");
  CHECK(page.description == "Des milliers de manifestants.");
}

TEST_CASE("input: metadata falls back to og:title, og:url and og:description", "[html]") {
  const HtmlPage page = Parse(R"(<html><head>
    <meta property="og:title" content="Titre OG">
    <meta property="og:url" content="https://example.org/og">
    <meta property="og:description" content="Résumé OG">
    </head><body><p>x</p></body></html>)");
  CHECK(page.title == "Titre OG");
  CHECK(page.canonical_url == "https://example.org/og");
  CHECK(page.description == "Résumé OG");
  CHECK(page.published_time.empty());
  CHECK(page.site_name.empty());
  CHECK(page.lang.empty());
}

TEST_CASE("input: the publication date comes from JSON-LD, including @graph", "[html]") {
  const HtmlPage plain = Parse(R"(<head><script type="application/ld+json">
    {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "x",
     "datePublished": "2024-05-02T08:30:00Z", "publisher": {"@type": "Organization", "name": "Le Quotidien"}}
    </script></head><body><time datetime="2000-01-01">old</time><p>x</p></body>)");
  CHECK(plain.published_time == "2024-05-02T08:30:00Z");
  CHECK(plain.site_name == "Le Quotidien");

  const HtmlPage graph = Parse(R"(<head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "WebPage", "datePublished": "2024-01-01T00:00:00Z"},
      {"@type": ["Article", "NewsArticle"], "datePublished": "2024-06-07T12:00:00+02:00"}]}
    </script></head><body><p>x</p></body>)");
  CHECK(graph.published_time == "2024-06-07T12:00:00+02:00");

  const HtmlPage array = Parse(R"(<script type="application/ld+json">
    [{"@type": "BreadcrumbList"}, {"@type": "BlogPosting", "datePublished": "2023-12-24"}]
    </script><p>x</p>)");
  CHECK(array.published_time == "2023-12-24");
}

TEST_CASE("input: malformed JSON-LD is skipped and the next source of a date is used", "[html]") {
  const HtmlPage page = Parse(R"(<head>
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2024-01-01",,}</script>
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script>
    <script type="application/ld+json"></script>
    </head><body><nav><time datetime="1999-01-01">menu</time></nav>
    <article><p>Texte de l'article <time datetime="2024-02-03T04:05">le 3 février</time>.</p>
    </article></body>)");
  CHECK(page.published_time == "2024-02-03T04:05");
  CHECK(page.text == "Texte de l'article le 3 février.");
  // JSON-LD wrapped in an HTML comment or CDATA still counts.
  CHECK(Parse("<script type=\"application/ld+json\"><!-- {\"@type\":\"Article\","
              "\"datePublished\":\"2022-02-22\"} --></script>").published_time == "2022-02-22");
}

TEST_CASE("input: the first time element is the date of last resort", "[html]") {
  CHECK(Parse("<p>Publié le <time datetime=\"2012-05-22\">22 mai</time>, modifié le "
              "<time datetime=\"2012-05-23\">23 mai</time></p>").published_time == "2012-05-22");
  CHECK(Parse("<p><time>sans attribut</time></p>").published_time.empty());
}

TEST_CASE("input: a French Wikinews page gives exactly its reference text", "[html]") {
  // The reference text is the article's visible text, paragraphs separated by
  // a blank line, ending with a newline as text files do; ParseHtmlPage
  // returns no trailing newline, so one is added before comparing. The page
  // has soft hyphens ("pre\u00ADmier") that the reference text does not.
  const std::string dir = std::string(QUOTETRAIL_TEST_DATA) + "/wikinews/";
  Result<std::string> html = ReadFile(dir + "43971.html");
  Result<std::string> txt = ReadFile(dir + "43971.txt");
  REQUIRE(html.ok());
  REQUIRE(txt.ok());
  const HtmlPage page = Parse(*html);
  CHECK(page.text + "\n" == *txt);
  CHECK(page.title == "États-Unis : Lancement réussi pour Space X Dragon");
}

// ====================================================================== reader

TEST_CASE("input: directories expand recursively to sorted article files, skipping hidden ones",
          "[reader]") {
  TempDir tmp;
  tmp.Write("b.txt", "b");
  tmp.Write("a.html", "<p>a</p>");
  tmp.Write("sub/c.jsonl", "{\"text\": \"c\"}\n");
  tmp.Write("sub/d.HTM", "<p>d</p>");
  tmp.Write("sub/notes.md", "not an article");
  tmp.Write("sub/image.png", "png");
  tmp.Write(".hidden.txt", "hidden");
  tmp.Write(".git/e.txt", "in a hidden folder");
  const std::string other = tmp.Write("other.md", "given explicitly");

  Result<std::vector<std::string>> files = ExpandInputs({tmp.path(), "-", other});
  REQUIRE(files.ok());
  const std::string d = tmp.path() + "/";
  CHECK(*files == std::vector<std::string>{d + "a.html", d + "b.txt", d + "sub/c.jsonl",
                                           d + "sub/d.HTM", "-", other});
}

TEST_CASE("input: a path that does not exist is an error naming it", "[reader]") {
  TempDir tmp;
  const std::string missing = tmp.path() + "/nope.txt";
  Result<std::vector<std::string>> files = ExpandInputs({tmp.path(), missing});
  REQUIRE_FALSE(files.ok());
  CHECK(files.status().code() == ErrorCode::kNotFound);
  CHECK(files.status().message() == missing + ": no such file or directory");

  const Collected c = Read(missing);
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == missing + ": no such file or directory");
  CHECK(c.articles.empty());

  Result<std::string> dir = ReadFile(tmp.path());
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.status().message() == tmp.path() + ": is a directory");
}

TEST_CASE("input: a text file is one article named after the file, with LF line ends", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write("lavrov-wonsan.txt", "Titre\r\n\r\nLigne un\rLigne deux\n");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 1);
  CHECK(c.errors.empty());
  CHECK(c.warnings.empty());
  const Article& a = c.articles[0];
  CHECK(a.id == "lavrov-wonsan");
  CHECK(a.text == "Titre\n\nLigne un\nLigne deux\n");
  CHECK(a.source == path);
  CHECK(a.title.empty());
}

TEST_CASE("input: an HTML file is one article with the page's text and metadata", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write(
      "page.html",
      "\xEF\xBB\xBF<html lang=fr><head><title>Titre</title>"
      "<meta property=og:site_name content=\"Le Site\">"
      "<link rel=canonical href=\"https://example.org/a\">"
      "<meta property=article:published_time content=2024-01-02></head>"
      "<body><h1>Titre</h1><p>Il a dit : « oui ».</p></body></html>");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 1);
  const Article& a = c.articles[0];
  CHECK(a.id == "page");
  CHECK(a.text == "Titre\n\nIl a dit : « oui ».");
  CHECK(a.title == "Titre");
  CHECK(a.outlet == "Le Site");
  CHECK(a.url == "https://example.org/a");
  CHECK(a.published_at == "2024-01-02");
  CHECK(a.language == "fr");
  CHECK(a.source == path);
}

TEST_CASE("input: a bad JSONL line is an error naming its line and the other lines are read",
          "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write(
      "batch.jsonl",
      "{\"id\": \"one\", \"text\": \"Premier.\", \"language\": \"fr\", \"outlet\": \"AFP\"}\n"
      "{\"id\": \"two\", \"text\": \"non terminé\n"
      "\n"
      "[1, 2]\n"
      "{\"id\": \"five\", \"title\": 3, \"text\": \"x\"}\n"
      "{\"id\": \"six\", \"url\": null}\n"
      "{\"id\": 7, \"text\": \"Septième.\\r\\nFin.\", \"published_at\": \"2024-01-01\"}\r\n"
      "{\"text\": \"Sans id.\"}");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 3);
  CHECK(c.articles[0].id == "one");
  CHECK(c.articles[0].text == "Premier.");
  CHECK(c.articles[0].language == "fr");
  CHECK(c.articles[0].outlet == "AFP");
  CHECK(c.articles[0].source == path + ":1");
  CHECK(c.articles[1].id == "7");
  CHECK(c.articles[1].text == "Septième.\nFin.");
  CHECK(c.articles[1].published_at == "2024-01-01");
  CHECK(c.articles[1].source == path + ":7");
  CHECK(c.articles[2].id == "batch:8");
  REQUIRE(c.errors.size() == 4);
  CHECK(c.errors[0].starts_with(path + ":2: not valid JSON"));
  CHECK(c.errors[1] == path + ":4: expected a JSON object, got an array");
  CHECK(c.errors[2] == path + ":5: field \"title\" must be a string, not a number");
  CHECK(c.errors[3] == path + ":6: no \"text\" or \"html\" field");
  CHECK(c.warnings.empty());
}

TEST_CASE("input: unknown JSONL fields are ignored and named once per file", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write(
      "extra.jsonl",
      "{\"id\": \"a\", \"text\": \"x\", \"author\": \"Dupont\", \"tags\": [\"a\"]}\n"
      "{\"id\": \"b\", \"text\": \"y\", \"author\": \"Durand\"}\n"
      "{\"id\": \"c\", \"text\": \"z\", \"section\": {\"name\": \"Monde\"}}\n");
  const Collected c = Read(path);
  CHECK(c.articles.size() == 3);
  CHECK(c.errors.empty());
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0] == path + ": unknown fields ignored: \"author\" (first on line 1), "
                                "\"tags\" (first on line 1), \"section\" (first on line 3)");
}

TEST_CASE("input: a JSONL html field is parsed and explicit fields win over page metadata",
          "[reader]") {
  TempDir tmp;
  const std::string html =
      "<html lang=en><head><title>Page title</title><meta property=og:site_name content=Site>"
      "<meta property=article:published_time content=2020-01-01></head>"
      "<body><nav>menu</nav><p>Body text.</p></body></html>";
  std::string escaped;
  for (char ch : html) {
    if (ch == '"') escaped += "\\\"";
    else escaped += ch;
  }
  const std::string path = tmp.Write(
      "pages.jsonl", "{\"id\": \"p\", \"title\": \"Explicit\", \"html\": \"" + escaped + "\"}\n"
                     "{\"id\": \"q\", \"text\": \"Given text.\", \"html\": \"" + escaped + "\"}\n");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 2);
  CHECK(c.articles[0].title == "Explicit");
  CHECK(c.articles[0].outlet == "Site");
  CHECK(c.articles[0].published_at == "2020-01-01");
  CHECK(c.articles[0].language == "en");
  CHECK(c.articles[0].text == "Body text.");
  CHECK(c.articles[1].text == "Given text.");
  CHECK(c.articles[1].title == "Page title");
}

TEST_CASE("input: invalid UTF-8 is repaired with a warning naming the byte", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write("latin.txt", "Le maire a d\xe9" "clar\xe9 : \xab oui \xbb.");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 1);
  CHECK(c.articles[0].text ==
        "Le maire a d\xEF\xBF\xBD" "clar\xEF\xBF\xBD : \xEF\xBF\xBD oui \xEF\xBF\xBD.");
  REQUIRE(c.warnings.size() == 1);
  CHECK(c.warnings[0] ==
        path + ": invalid UTF-8 at byte 12 (4 sequences replaced with U+FFFD)");

  // A JSONL file is repaired before its lines are parsed.
  const std::string jsonl = tmp.Write("latin.jsonl", "{\"text\": \"\xe9t\xe9\"}\n");
  const Collected j = Read(jsonl);
  REQUIRE(j.articles.size() == 1);
  CHECK(j.articles[0].text == "\xEF\xBF\xBDt\xEF\xBF\xBD");
  CHECK(j.warnings.size() == 1);
}

TEST_CASE("input: with reject_invalid_utf8, a file or a JSONL line with invalid UTF-8 is an error "
          "and valid lines are read",
          "[reader]") {
  TempDir tmp;
  ReadOptions strict;
  strict.reject_invalid_utf8 = true;
  const std::string path = tmp.Write("latin.txt", "Le maire a d\xe9" "clar\xe9 : oui.");
  const Collected c = Read(path, strict);
  CHECK(c.articles.empty());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == path + ": invalid UTF-8 at byte 12; skipped");

  const std::string jsonl =
      tmp.Write("mixed.jsonl", "{\"text\": \"ok\"}\n{\"text\": \"\xe9t\xe9\"}\n{\"text\": \"ok too\"}\n");
  const Collected j = Read(jsonl, strict);
  REQUIRE(j.articles.size() == 2);
  CHECK(j.articles[1].text == "ok too");
  REQUIRE(j.errors.size() == 1);
  CHECK(j.errors[0] == jsonl + ":2: invalid UTF-8 at byte 10 of the line; skipped");

  // A declared Latin-1 page is still decoded.
  const std::string html = tmp.Write(
      "old.html", "<html><head><meta charset=\"windows-1252\"></head><body><p>\xe9t\xe9</p></body></html>");
  const Collected h = Read(html, strict);
  REQUIRE(h.articles.size() == 1);
  CHECK(h.articles[0].text == "été");
}

TEST_CASE("input: an HTML page declared as Latin-1 is decoded, not repaired", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write(
      "old.html", "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                  "charset=ISO-8859-1\"></head><body><p>\xab D\xe9j\xe0 l\x92\xe9t\xe9 \xbb</p>"
                  "</body></html>");
  const Collected c = Read(path);
  REQUIRE(c.articles.size() == 1);
  CHECK(c.articles[0].text == "« Déjà l’été »");
  CHECK(c.warnings.empty());
}

TEST_CASE("input: a file with NUL bytes is refused as binary", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write("junk.txt", std::string("abc\0\x01\x02junk", 10));
  const Collected c = Read(path);
  CHECK(c.articles.empty());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == path + ": looks binary (NUL byte at 3)");

  const std::string utf16 = tmp.Write("utf16.txt", std::string("\xFF\xFEh\0i\0", 6));
  const Collected u = Read(utf16);
  REQUIRE(u.errors.size() == 1);
  CHECK(Has(u.errors[0], "UTF-16"));
}

TEST_CASE("input: a file above the size limit is refused with its size and the limit", "[reader]") {
  TempDir tmp;
  const std::string path = tmp.Write("big.txt", std::string(2000, 'a'));
  ReadOptions opts;
  opts.max_file_bytes = 1000;
  const Collected c = Read(path, opts);
  CHECK(c.articles.empty());
  REQUIRE(c.errors.size() == 1);
  CHECK(c.errors[0] == path + ": too large: 2000 bytes (limit 1000 bytes)");
}

TEST_CASE("input: empty files and pages without text give a warning", "[reader]") {
  TempDir tmp;
  const Collected t = Read(tmp.Write("empty.txt", ""));
  REQUIRE(t.articles.size() == 1);
  CHECK(t.articles[0].text.empty());
  REQUIRE(t.warnings.size() == 1);
  CHECK(Has(t.warnings[0], "empty.txt: empty"));
  const Collected h = Read(tmp.Write("empty.html", "<html><body><nav>menu</nav></body></html>"));
  REQUIRE(h.articles.size() == 1);
  REQUIRE(h.warnings.size() == 1);
  CHECK(Has(h.warnings[0], "empty.html: no visible text"));
}

TEST_CASE("input: standard input is JSONL when it starts with a brace, HTML or text otherwise",
          "[reader]") {
  CHECK(DetectFormat("-", "  {\"text\": \"x\"}") == InputFormat::kJsonl);
  CHECK(DetectFormat("-", "<!DOCTYPE html><p>x") == InputFormat::kHtml);
  CHECK(DetectFormat("-", "Le texte.") == InputFormat::kText);
  CHECK(DetectFormat("a.txt", "{\"text\": 1}") == InputFormat::kText);
  CHECK(DetectFormat("A.HTML", "x") == InputFormat::kHtml);
  CHECK(DetectFormat("/dev/fd/63", "{}") == InputFormat::kJsonl);

  const Collected text = ReadContent("Texte\r\nlu sur stdin", "-", InputFormat::kText);
  REQUIRE(text.articles.size() == 1);
  CHECK(text.articles[0].id == "stdin");
  CHECK(text.articles[0].text == "Texte\nlu sur stdin");
  CHECK(text.articles[0].source == "<stdin>");

  const Collected jsonl = ReadContent("{\"text\": \"a\"}\n{\"text\": 2}\n", "-", InputFormat::kJsonl);
  REQUIRE(jsonl.articles.size() == 1);
  CHECK(jsonl.articles[0].id == "stdin:1");
  REQUIRE(jsonl.errors.size() == 1);
  CHECK(jsonl.errors[0] == "<stdin>:2: field \"text\" must be a string, not a number");
}

// ====================================================================== dev check

TEST_CASE("input: fr_dev pages give their reference texts (dev check, needs the corpus)", "[.dev]") {
  const char* env = std::getenv("QUOTETRAIL_FR_DEV");
  const std::string dir = env ? env : "/work/shared/corpus/fr_dev";
  std::ifstream ids(dir + "/docs.txt");
  if (!ids) FAIL("no corpus at " << dir << " (set QUOTETRAIL_FR_DEV)");
  size_t total = 0, identical = 0, same_modulo_space = 0;
  auto squash = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == ' ' || ch == '\n' || ch == '\t') {
        if (!out.empty() && out.back() != ' ') out.push_back(' ');
      } else {
        out.push_back(ch);
      }
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
  };
  for (std::string id; std::getline(ids, id);) {
    if (id.empty()) continue;
    ++total;
    const Result<HtmlPage> page = ParseHtmlPage(ReadAll(dir + "/html/" + id + ".html"));
    REQUIRE(page.ok());
    const std::string want = ReadAll(dir + "/text/" + id + ".txt");
    const std::string got = page->text + "\n";
    if (got == want) {
      ++identical;
    } else if (squash(got) == squash(want)) {
      ++same_modulo_space;
      WARN(id << ": same words, different spacing");
    } else {
      WARN(id << ": differs\n--- want\n" << want << "\n--- got\n" << got);
    }
  }
  WARN(identical << " of " << total << " byte-identical, " << same_modulo_space
                 << " more identical after whitespace normalisation");
  CHECK(identical == total);
}
