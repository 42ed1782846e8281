#include "html_text.h"

#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace quotetrail {
namespace {

// ---------------------------------------------------------------- strings

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsAsciiSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view TrimAscii(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Length of the Unicode space character (no-break, narrow no-break, en/em
// and other typographic spaces, ideographic space, zero-width space, BOM)
// that `s` starts with, else 0. Used only to trim paragraph ends.
size_t UnicodeSpacePrefix(std::string_view s) {
  if (s.size() >= 2 && s[0] == '\xC2' && s[1] == '\xA0') return 2;  // U+00A0
  if (s.size() < 3) return 0;
  const auto b0 = static_cast<unsigned char>(s[0]);
  const auto b1 = static_cast<unsigned char>(s[1]);
  const auto b2 = static_cast<unsigned char>(s[2]);
  if (b0 == 0xE2 && b1 == 0x80 && (b2 <= 0x8B || b2 == 0xAF)) return 3;  // U+2000..200B, U+202F
  if (b0 == 0xE2 && b1 == 0x81 && b2 == 0x9F) return 3;                  // U+205F
  if (b0 == 0xE3 && b1 == 0x80 && b2 == 0x80) return 3;                  // U+3000
  if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) return 3;                  // U+FEFF
  return 0;
}

size_t UnicodeSpaceSuffix(std::string_view s) {
  for (size_t len : {size_t{2}, size_t{3}}) {
    if (s.size() >= len && UnicodeSpacePrefix(s.substr(s.size() - len)) == len) return len;
  }
  return 0;
}

// Removes ASCII and Unicode spaces from both ends of `s`.
void TrimAllSpaces(std::string& s) {
  std::string_view v(s);
  while (true) {
    if (!v.empty() && IsAsciiSpace(static_cast<unsigned char>(v.front()))) {
      v.remove_prefix(1);
    } else if (size_t n = UnicodeSpacePrefix(v)) {
      v.remove_prefix(n);
    } else {
      break;
    }
  }
  while (true) {
    if (!v.empty() && IsAsciiSpace(static_cast<unsigned char>(v.back()))) {
      v.remove_suffix(1);
    } else if (size_t n = UnicodeSpaceSuffix(v)) {
      v.remove_suffix(n);
    } else {
      break;
    }
  }
  if (v.size() != s.size()) s = std::string(v);
}

// ---------------------------------------------------------------- text builder

// Accumulates paragraphs: collapses ASCII whitespace, drops soft hyphens,
// keeps every other character as it is.
class TextBuilder {
 public:
  void AddText(std::string_view t) {
    const size_t n = t.size();
    for (size_t i = 0; i < n; ++i) {
      const auto c = static_cast<unsigned char>(t[i]);
      if (IsAsciiSpace(c)) {
        pending_space_ = true;
        continue;
      }
      if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(t[i + 1]) == 0xAD) {
        ++i;  // U+00AD soft hyphen
        continue;
      }
      if (pending_space_ && !cur_.empty()) cur_.push_back(' ');
      pending_space_ = false;
      cur_.push_back(static_cast<char>(c));
      ++emitted_;
    }
  }
  // A word boundary that is not in the markup's text (between table cells).
  void Space() { pending_space_ = true; }
  // Ends the current paragraph, if it has any text.
  void Break() {
    pending_space_ = false;
    if (cur_.empty()) return;
    TrimAllSpaces(cur_);
    if (!cur_.empty()) paragraphs_.push_back(std::move(cur_));
    cur_.clear();
  }
  // Count of characters (bytes) added so far; lets callers see whether an
  // element contributed text.
  size_t emitted() const { return emitted_; }

  std::string Finish() {
    Break();
    std::string out;
    size_t total = 0;
    for (const auto& p : paragraphs_) total += p.size() + 2;
    out.reserve(total);
    for (const auto& p : paragraphs_) {
      if (!out.empty()) out += "\n\n";
      out += p;
    }
    return out;
  }

 private:
  std::vector<std::string> paragraphs_;
  std::string cur_;
  bool pending_space_ = false;
  size_t emitted_ = 0;
};

// Collapses and trims a metadata value (one line, soft hyphens removed).
std::string CleanValue(std::string_view s) {
  TextBuilder b;
  b.AddText(s);
  return b.Finish();
}

// ---------------------------------------------------------------- gumbo helpers

std::string_view Attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? std::string_view(a->value) : std::string_view();
}

bool HasAttr(const GumboElement& e, const char* name) {
  return gumbo_get_attribute(&e.attributes, name) != nullptr;
}

// Whether the whitespace-separated token list `list` holds `token`
// (ASCII case-insensitive).
bool HasToken(std::string_view list, std::string_view token) {
  size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && IsAsciiSpace(static_cast<unsigned char>(list[i]))) ++i;
    size_t j = i;
    while (j < list.size() && !IsAsciiSpace(static_cast<unsigned char>(list[j]))) ++j;
    if (j > i && j - i == token.size() && Lower(list.substr(i, j - i)) == Lower(token)) return true;
    i = j;
  }
  return false;
}

// Lower-case name of an element the parser does not know (custom elements).
std::string UnknownTagName(const GumboElement& e) {
  GumboStringPiece piece = e.original_tag;
  if (piece.data == nullptr || piece.length == 0) return {};
  gumbo_tag_from_original_text(&piece);
  std::string name;
  for (size_t i = 0; i < piece.length && piece.data[i] != ' ' && piece.data[i] != '/' &&
                     !IsAsciiSpace(static_cast<unsigned char>(piece.data[i]));
       ++i) {
    name.push_back(AsciiLower(piece.data[i]));
  }
  return name;
}

// All text below `node`, in document order, without any filtering (for
// <title> and <script> contents).
std::string RawText(const GumboNode* node) {
  std::string out;
  std::vector<const GumboNode*> stack{node};
  while (!stack.empty()) {
    const GumboNode* n = stack.back();
    stack.pop_back();
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      out += n->v.text.text;
    } else if (n->type == GUMBO_NODE_ELEMENT || n->type == GUMBO_NODE_TEMPLATE) {
      const GumboVector& ch = n->v.element.children;
      for (unsigned i = ch.length; i-- > 0;) stack.push_back(static_cast<const GumboNode*>(ch.data[i]));
    }
  }
  return out;
}

// ---------------------------------------------------------------- classification

bool IsNonContentTag(const GumboElement& e) {
  switch (e.tag) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE: case GUMBO_TAG_NAV: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM: case GUMBO_TAG_IFRAME:
    case GUMBO_TAG_SVG: case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT:
    case GUMBO_TAG_TEXTAREA: case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED:
    case GUMBO_TAG_CANVAS: case GUMBO_TAG_AUDIO: case GUMBO_TAG_VIDEO:
    case GUMBO_TAG_MAP: case GUMBO_TAG_INPUT: case GUMBO_TAG_HEAD:
    case GUMBO_TAG_TITLE: case GUMBO_TAG_NOEMBED: case GUMBO_TAG_NOFRAMES:
      return true;
    case GUMBO_TAG_UNKNOWN:
      return UnknownTagName(e) == "dialog";
    default:
      return false;
  }
}

bool IsBlockTag(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2:
    case GUMBO_TAG_H3: case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6:
    case GUMBO_TAG_LI: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_ARTICLE: case GUMBO_TAG_BR: case GUMBO_TAG_TR: case GUMBO_TAG_TABLE:
    case GUMBO_TAG_UL: case GUMBO_TAG_OL: case GUMBO_TAG_DL: case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_PRE: case GUMBO_TAG_HEADER: case GUMBO_TAG_MAIN: case GUMBO_TAG_HR:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CENTER: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CAPTION: case GUMBO_TAG_HGROUP:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_LEGEND: case GUMBO_TAG_MENU:
    case GUMBO_TAG_BODY: case GUMBO_TAG_HTML: case GUMBO_TAG_OPTION:
    case GUMBO_TAG_THEAD: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT:
      return true;
    default:
      return false;
  }
}

bool IsArticleBody(const GumboElement& e) {
  return HasToken(Attr(e, "itemprop"), "articleBody");
}

// Whether one id or class token names boilerplate: one of its words (split
// at non-alphanumerics, lower-cased) starts with a boilerplate stem.
bool TokenNamesBoilerplate(std::string_view token) {
  static constexpr std::array<std::string_view, 13> kStems = {
      "comment", "respond", "share", "sharing", "social", "cookie", "newsletter",
      "subscribe", "related", "breadcrumb", "sidebar", "advert", "disqus"};
  // Words that start like a stem but name content.
  static constexpr std::array<std::string_view, 2> kKeep = {"commentar", "commentat"};
  // Taxonomy classes (WordPress post_class: "category-social", "tag-partage")
  // describe the article's subject, not its role on the page.
  static constexpr std::array<std::string_view, 7> kTaxonomy = {
      "category-", "tag-", "type-", "format-", "status-", "postid-", "has-"};
  const std::string v = Lower(token);
  for (auto prefix : kTaxonomy) {
    if (std::string_view(v).starts_with(prefix)) return false;
  }
  size_t i = 0;
  while (i < v.size()) {
    while (i < v.size() && !IsAsciiAlnum(v[i])) ++i;
    size_t j = i;
    while (j < v.size() && IsAsciiAlnum(v[j])) ++j;
    const std::string_view word = std::string_view(v).substr(i, j - i);
    if (!word.empty()) {
      bool keep = false;
      for (auto k : kKeep) keep = keep || word.starts_with(k);
      if (!keep) {
        for (auto stem : kStems) {
          if (word.starts_with(stem)) return true;
        }
      }
    }
    i = j;
  }
  return false;
}

// Whether an id or class attribute (a whitespace-separated token list) names
// boilerplate.
bool NamesBoilerplate(std::string_view value) {
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && IsAsciiSpace(static_cast<unsigned char>(value[i]))) ++i;
    size_t j = i;
    while (j < value.size() && !IsAsciiSpace(static_cast<unsigned char>(value[j]))) ++j;
    if (j > i && TokenNamesBoilerplate(value.substr(i, j - i))) return true;
    i = j;
  }
  return false;
}

bool IsHidden(const GumboElement& e) {
  if (HasAttr(e, "hidden")) return true;
  if (Lower(TrimAscii(Attr(e, "aria-hidden"))) == "true") return true;
  std::string_view style = Attr(e, "style");
  if (!style.empty()) {
    std::string compact;
    for (char c : style) {
      if (!IsAsciiSpace(static_cast<unsigned char>(c))) compact.push_back(AsciiLower(c));
    }
    if (compact.find("display:none") != std::string::npos ||
        compact.find("visibility:hidden") != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Whether the element and everything below it is left out of the text.
// `in_article` says whether it lies inside an <article> or <main>.
bool IsDropped(const GumboElement& e, bool in_article) {
  if (e.tag == GUMBO_TAG_HTML || e.tag == GUMBO_TAG_BODY) return false;
  if (IsNonContentTag(e)) return true;
  if (e.tag == GUMBO_TAG_HEADER && !in_article) return true;
  if (IsHidden(e)) return true;
  if (e.tag == GUMBO_TAG_ARTICLE || e.tag == GUMBO_TAG_MAIN || IsArticleBody(e)) return false;
  return NamesBoilerplate(Attr(e, "id")) || NamesBoilerplate(Attr(e, "class"));
}

enum class Gap { kNone, kSpace, kBreak };

Gap DroppedGap(const GumboElement& e) {
  if (IsBlockTag(e.tag)) return Gap::kBreak;
  switch (e.tag) {
    case GUMBO_TAG_NAV: case GUMBO_TAG_FOOTER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_FORM:
    case GUMBO_TAG_IFRAME: case GUMBO_TAG_VIDEO: case GUMBO_TAG_AUDIO: case GUMBO_TAG_CANVAS:
    case GUMBO_TAG_OBJECT: case GUMBO_TAG_EMBED: case GUMBO_TAG_NOSCRIPT:
      return Gap::kBreak;
    case GUMBO_TAG_BUTTON: case GUMBO_TAG_SELECT: case GUMBO_TAG_INPUT: case GUMBO_TAG_TEXTAREA:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MAP:
      return IsHidden(e) ? Gap::kNone : Gap::kSpace;
    default:
      return Gap::kNone;
  }
}

bool IsArticleOrMain(const GumboNode* n) {
  return n->type == GUMBO_NODE_ELEMENT &&
         (n->v.element.tag == GUMBO_TAG_ARTICLE || n->v.element.tag == GUMBO_TAG_MAIN);
}

bool HasArticleOrMainAncestorOrSelf(const GumboNode* n) {
  for (; n != nullptr; n = n->parent) {
    if (IsArticleOrMain(n)) return true;
  }
  return false;
}

// ---------------------------------------------------------------- text walk

struct Extracted {
  std::string text;
  bool has_h1 = false;  // an <h1> with text was part of it
};

// The visible text below `root` (iterative: deeply nested markup cannot
// exhaust the stack).
Extracted ExtractText(const GumboNode* root) {
  struct Frame {
    const GumboNode* node;
    bool exiting;
    bool in_article;
    size_t mark;  // builder.emitted() when the element was entered
  };
  TextBuilder b;
  Extracted result;
  std::vector<Frame> stack;
  stack.push_back({root, false, HasArticleOrMainAncestorOrSelf(root->parent), 0});
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    const GumboNode* n = f.node;
    if (n->type == GUMBO_NODE_TEXT || n->type == GUMBO_NODE_WHITESPACE ||
        n->type == GUMBO_NODE_CDATA) {
      b.AddText(n->v.text.text);
      continue;
    }
    if (n->type != GUMBO_NODE_ELEMENT) continue;  // comments, <template> contents
    const GumboElement& e = n->v.element;
    if (f.exiting) {
      if (IsBlockTag(e.tag)) b.Break();
      if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH) b.Space();
      if (e.tag == GUMBO_TAG_H1 && b.emitted() > f.mark) result.has_h1 = true;
      continue;
    }
    if (IsDropped(e, f.in_article)) {
      // What a dropped element leaves between the words around it: a
      // paragraph break for a box, a space for a widget, nothing for an
      // element that renders nothing (script, hidden span).
      switch (DroppedGap(e)) {
        case Gap::kBreak: b.Break(); break;
        case Gap::kSpace: b.Space(); break;
        case Gap::kNone: break;
      }
      continue;
    }
    if (IsBlockTag(e.tag)) b.Break();
    if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH) b.Space();
    const bool in_article = f.in_article || IsArticleOrMain(n);
    stack.push_back({n, true, in_article, b.emitted()});
    const GumboVector& ch = e.children;
    for (unsigned i = ch.length; i-- > 0;) {
      stack.push_back({static_cast<const GumboNode*>(ch.data[i]), false, in_article, 0});
    }
  }
  result.text = b.Finish();
  return result;
}

// ---------------------------------------------------------------- JSON-LD

bool IsArticleType(const nlohmann::json& type) {
  auto article_like = [](const nlohmann::json& t) {
    if (!t.is_string()) return false;
    const std::string& s = t.get_ref<const std::string&>();
    return s.find("Article") != std::string::npos || s.find("Posting") != std::string::npos ||
           s == "Report";
  };
  if (type.is_array()) {
    return std::any_of(type.begin(), type.end(), article_like);
  }
  return article_like(type);
}

struct JsonLdFacts {
  std::string article_date;  // datePublished of an Article-like object
  std::string any_date;      // datePublished of any object
  std::string publisher;     // publisher.name
};

void ScanJsonLd(const nlohmann::json& j, int depth, JsonLdFacts& facts) {
  if (depth > 32) return;
  if (j.is_array()) {
    for (const auto& item : j) ScanJsonLd(item, depth + 1, facts);
    return;
  }
  if (!j.is_object()) return;
  auto date = j.find("datePublished");
  if (date != j.end() && date->is_string() && !date->get_ref<const std::string&>().empty()) {
    const std::string& d = date->get_ref<const std::string&>();
    auto type = j.find("@type");
    if (facts.article_date.empty() && type != j.end() && IsArticleType(*type)) facts.article_date = d;
    if (facts.any_date.empty()) facts.any_date = d;
  }
  auto pub = j.find("publisher");
  if (facts.publisher.empty() && pub != j.end() && pub->is_object()) {
    auto name = pub->find("name");
    if (name != pub->end() && name->is_string()) facts.publisher = name->get<std::string>();
  }
  for (const auto& [key, value] : j.items()) {
    if (value.is_object() || value.is_array()) ScanJsonLd(value, depth + 1, facts);
  }
}

// Parses one JSON-LD script body; malformed JSON is skipped silently (pages
// often wrap it in <!-- --> or CDATA markers, which are stripped first).
void ReadJsonLd(std::string_view body, JsonLdFacts& facts) {
  std::string_view s = TrimAscii(body);
  for (std::string_view prefix : {"<!--", "//<![CDATA[", "<![CDATA["}) {
    if (s.starts_with(prefix)) s = TrimAscii(s.substr(prefix.size()));
  }
  for (std::string_view suffix : {"-->", "//]]>", "]]>"}) {
    if (s.ends_with(suffix)) s = TrimAscii(s.substr(0, s.size() - suffix.size()));
  }
  try {
    nlohmann::json j = nlohmann::json::parse(s, nullptr, /*allow_exceptions=*/false,
                                             /*ignore_comments=*/true);
    if (!j.is_discarded()) ScanJsonLd(j, 0, facts);
  } catch (const nlohmann::json::exception&) {
    // Malformed JSON-LD is common and not the reader's problem: ignore it.
  }
}

// ---------------------------------------------------------------- page walk

struct PageFacts {
  const GumboNode* body = nullptr;
  std::vector<const GumboNode*> articles;  // <article> and [itemprop~=articleBody], visible
  std::vector<const GumboNode*> mains;
  std::vector<const GumboNode*> h1s;
  std::vector<const GumboNode*> times;     // visible <time datetime>
  std::string title, og_title, og_url, canonical, site_name, published, itemprop_date,
      pubdate_time, description, og_description, lang, content_language;
  JsonLdFacts jsonld;
};

void SetOnce(std::string& field, std::string_view value) {
  if (field.empty()) field = CleanValue(value);
}

void CollectMeta(const GumboElement& e, PageFacts& facts) {
  const std::string_view content = Attr(e, "content");
  const std::string key = Lower(TrimAscii(
      HasAttr(e, "property") ? Attr(e, "property") : Attr(e, "name")));
  if (key == "og:title") SetOnce(facts.og_title, content);
  else if (key == "og:url") SetOnce(facts.og_url, content);
  else if (key == "og:site_name") SetOnce(facts.site_name, content);
  else if (key == "article:published_time") SetOnce(facts.published, content);
  else if (key == "description") SetOnce(facts.description, content);
  else if (key == "og:description") SetOnce(facts.og_description, content);
  if (HasToken(Attr(e, "itemprop"), "datePublished")) SetOnce(facts.itemprop_date, content);
  if (Lower(TrimAscii(Attr(e, "http-equiv"))) == "content-language") {
    SetOnce(facts.content_language, content);
  }
}

// One pass over the whole document: metadata, candidate text roots, h1s.
PageFacts CollectFacts(const GumboOutput& out) {
  PageFacts facts;
  if (out.root && out.root->type == GUMBO_NODE_ELEMENT) {
    const GumboElement& html = out.root->v.element;
    facts.lang = CleanValue(HasAttr(html, "lang") ? Attr(html, "lang") : Attr(html, "xml:lang"));
  }
  struct Frame {
    const GumboNode* node;
    bool dropped;      // inside an element left out of the text
    bool in_article;   // inside <article> or <main>
    bool dropped_but_header;  // dropped for another reason than a site <header>
  };
  std::vector<Frame> stack{{out.root, false, false, false}};
  while (!stack.empty()) {
    const Frame f = stack.back();
    stack.pop_back();
    if (f.node == nullptr || f.node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboNode* n = f.node;
    const GumboElement& e = n->v.element;
    const bool html_ns = e.tag_namespace == GUMBO_NAMESPACE_HTML;
    switch (e.tag) {
      case GUMBO_TAG_BODY:
        if (!facts.body) facts.body = n;
        break;
      case GUMBO_TAG_TITLE:
        if (html_ns) SetOnce(facts.title, RawText(n));
        break;
      case GUMBO_TAG_META:
        CollectMeta(e, facts);
        break;
      case GUMBO_TAG_LINK:
        if (HasToken(Attr(e, "rel"), "canonical")) SetOnce(facts.canonical, Attr(e, "href"));
        break;
      case GUMBO_TAG_SCRIPT:
        if (Lower(TrimAscii(Attr(e, "type"))).starts_with("application/ld+json")) {
          ReadJsonLd(RawText(n), facts.jsonld);
        }
        break;
      case GUMBO_TAG_TIME:
        if (HasAttr(e, "datetime")) {
          if (HasToken(Attr(e, "itemprop"), "datePublished")) {
            SetOnce(facts.itemprop_date, Attr(e, "datetime"));
          }
          if (HasAttr(e, "pubdate")) SetOnce(facts.pubdate_time, Attr(e, "datetime"));
        }
        break;
      default:
        break;
    }
    const bool dropped = f.dropped || IsDropped(e, f.in_article);
    // The headline often sits in a site <header>: keep track of h1s there too.
    const bool dropped_but_header = f.dropped_but_header || IsDropped(e, /*in_article=*/true);
    if (!dropped) {
      if (e.tag == GUMBO_TAG_ARTICLE || IsArticleBody(e)) facts.articles.push_back(n);
      if (e.tag == GUMBO_TAG_MAIN) facts.mains.push_back(n);
      if (e.tag == GUMBO_TAG_TIME && HasAttr(e, "datetime")) facts.times.push_back(n);
    }
    if (!dropped_but_header && e.tag == GUMBO_TAG_H1) facts.h1s.push_back(n);
    const bool in_article = f.in_article || IsArticleOrMain(n);
    const GumboVector& ch = e.children;
    for (unsigned i = ch.length; i-- > 0;) {
      stack.push_back(
          {static_cast<const GumboNode*>(ch.data[i]), dropped, in_article, dropped_but_header});
    }
  }
  return facts;
}

bool IsDescendant(const GumboNode* n, const GumboNode* ancestor) {
  for (; n != nullptr; n = n->parent) {
    if (n == ancestor) return true;
  }
  return false;
}

// The largest of `candidates` by visible text, considering at most the first
// 64 (nested candidates make each extraction re-walk shared subtrees).
const GumboNode* Largest(const std::vector<const GumboNode*>& candidates, Extracted& best_text) {
  const GumboNode* best = nullptr;
  size_t considered = 0;
  for (const GumboNode* c : candidates) {
    if (++considered > 64) break;
    Extracted x = ExtractText(c);
    if (best == nullptr || x.text.size() > best_text.text.size()) {
      best = c;
      best_text = std::move(x);
    }
  }
  return best;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// ---------------------------------------------------------------- parse cost

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool OneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// gumbo checks "element in scope" by walking the stack of open elements, so
// its run time grows with (tags x nesting depth): 20,000 nested <div>s take
// half a second, 100,000 take half a minute. This scan estimates that product
// (the sum, over all tags, of the number of elements open at that point) from
// a rough tokenisation, without building anything. `max_depth` receives the
// deepest nesting seen.
uint64_t EstimateParseCost(std::string_view html, size_t& max_depth) {
  const size_t n = html.size();
  uint64_t cost = 0;
  size_t depth = 0;
  max_depth = 0;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos && ++i < n) {
    if (html[i] == '!') {  // comment or doctype
      const size_t close = html.substr(i).starts_with("!--") ? html.find("-->", i) : html.find('>', i);
      i = close == std::string_view::npos ? n : close + 1;
      continue;
    }
    const bool end_tag = html[i] == '/';
    if (end_tag) ++i;
    if (i >= n || !IsAsciiAlpha(html[i])) continue;
    std::string name;
    while (i < n && name.size() < 16 && (IsAsciiAlnum(html[i]) || html[i] == '-')) {
      name.push_back(AsciiLower(html[i++]));
    }
    const size_t gt = html.find('>', i);
    const bool self_closing = gt != std::string_view::npos && gt > 0 && html[gt - 1] == '/';
    i = gt == std::string_view::npos ? n : gt + 1;
    cost += depth;
    // Void elements and those the parser closes by itself do not nest.
    if (OneOf(name, {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                     "param", "source", "track", "wbr", "keygen", "basefont", "bgsound", "frame",
                     "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead",
                     "tbody", "tfoot", "colgroup", "rb", "rt", "rp", "rtc"})) {
      continue;
    }
    if (end_tag) {
      if (depth > 0) --depth;
      continue;
    }
    if (self_closing) continue;
    max_depth = std::max(max_depth, ++depth);
    if (OneOf(name, {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                     "noframes", "noscript", "plaintext"})) {
      // Raw text up to the matching end tag.
      size_t j = i;
      while ((j = html.find("</", j)) != std::string_view::npos) {
        size_t k = 0;
        while (k < name.size() && j + 2 + k < n && AsciiLower(html[j + 2 + k]) == name[k]) ++k;
        if (k == name.size()) break;
        j += 2;
      }
      i = j == std::string_view::npos ? n : j;
    }
  }
  return cost;
}

// Above this estimate a page is refused rather than parsed (about one second
// of gumbo's time; ordinary pages, even of several MB, stay below 1e7).
constexpr uint64_t kMaxParseCost = 500'000'000;

}  // namespace

Result<HtmlPage> ParseHtmlPage(std::string_view html) {
  if (html.size() >= std::numeric_limits<uint32_t>::max()) {
    return InvalidArgument("HTML page of " + std::to_string(html.size()) +
                           " bytes is too large to parse (limit 4 GiB)");
  }
  size_t depth = 0;
  if (EstimateParseCost(html, depth) > kMaxParseCost) {
    return InvalidArgument("HTML nested too deeply to parse in reasonable time (" +
                           std::to_string(depth) +
                           " levels of open elements); this does not look like an article page");
  }
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // parse errors are not reported; do not store them
  auto destroy = [&options](GumboOutput* o) { gumbo_destroy_output(&options, o); };
  std::unique_ptr<GumboOutput, decltype(destroy)> out(
      gumbo_parse_with_options(&options, html.data(), html.size()), destroy);
  if (!out || !out->root) return Internal("the HTML parser failed (out of memory?)");

  PageFacts facts = CollectFacts(*out);
  HtmlPage page;

  // The text: the largest article, else the largest main, else the body,
  // where an article or main must hold at least a fifth of the body's text
  // (a lone teaser card is not the article).
  const GumboNode* root = nullptr;
  Extracted text;
  if (facts.body) {
    Extracted body_text = ExtractText(facts.body);
    const size_t floor = std::max<size_t>(1, body_text.text.size() / 5);
    Extracted article_text;
    const GumboNode* article = Largest(facts.articles, article_text);
    if (article && article_text.text.size() >= floor) {
      root = article;
      text = std::move(article_text);
    } else {
      Extracted main_text;
      const GumboNode* main = Largest(facts.mains, main_text);
      if (main && main_text.text.size() >= floor) {
        root = main;
        text = std::move(main_text);
      } else {
        root = facts.body;
        text = std::move(body_text);
      }
    }
  }

  page.title = !facts.title.empty() ? facts.title : facts.og_title;

  // Headline first: when the chosen element had no h1, use the page's h1
  // that matches the title (or the first one when there is no title).
  if (root && !text.has_h1) {
    for (const GumboNode* h1 : facts.h1s) {
      if (IsDescendant(h1, root)) continue;
      const std::string h = CleanValue(ExtractText(h1).text);
      if (h.empty()) continue;
      if (page.title.empty() || Contains(page.title, h) || Contains(h, page.title)) {
        if (!text.text.starts_with(h)) {
          text.text = text.text.empty() ? h : h + "\n\n" + text.text;
        }
        break;
      }
    }
  }
  page.text = std::move(text.text);

  page.canonical_url = !facts.canonical.empty() ? facts.canonical : facts.og_url;
  page.site_name = !facts.site_name.empty() ? facts.site_name : CleanValue(facts.jsonld.publisher);
  page.lang = !facts.lang.empty() ? facts.lang : facts.content_language;
  page.description = !facts.description.empty() ? facts.description : facts.og_description;

  std::string time_in_root, first_time;
  for (const GumboNode* t : facts.times) {
    const std::string v = CleanValue(Attr(t->v.element, "datetime"));
    if (v.empty()) continue;
    if (first_time.empty()) first_time = v;
    if (root && IsDescendant(t, root)) {
      time_in_root = v;
      break;
    }
  }
  for (const std::string* candidate :
       {&facts.published, &facts.itemprop_date, &facts.jsonld.article_date, &facts.jsonld.any_date,
        &facts.pubdate_time, &time_in_root, &first_time}) {
    if (!candidate->empty()) {
      page.published_time = CleanValue(*candidate);
      break;
    }
  }
  return page;
}

}  // namespace quotetrail
