// html_text.h: the visible text and metadata of a news article's HTML page.
//
// ParseHtmlPage runs a full HTML5 parse (gumbo), so any input, however broken
// (unclosed tags, stray bytes, truncated files), yields a page; it never
// crashes on bad markup.
//
// Which text: the largest <article> or [itemprop~=articleBody] element when it
// holds a fair share (>= 20%) of the page's visible text, else the largest
// <main> under the same condition, else <body>. Inside it, these are dropped:
//   - non-content elements: script, style, noscript, template, nav, footer,
//     aside, form, iframe, svg, button, select, textarea, object, embed,
//     canvas, audio, video, map, dialog, input;
//   - <header>, unless it lies inside an <article> or <main> (site banners go,
//     an article's own header with its h1 and byline stays);
//   - boilerplate: elements whose id or class has a word starting with
//     comment, respond, share, sharing, social, cookie, newsletter, subscribe,
//     related, breadcrumb, sidebar, advert or disqus (words split at any
//     non-alphanumeric character, so WordPress "#respond", ".comment-respond",
//     "#comments" and French ".commentaires" go, but "commentary" stays;
//     taxonomy classes such as WordPress "category-social" or "tag-share" are
//     not considered); never applied to html, body, article, main or the
//     articleBody element;
//   - hidden elements: a `hidden` attribute, aria-hidden="true", or an inline
//     style with display:none or visibility:hidden.
// When no h1 was part of that text, the page's h1 that matches the title (or
// the first h1 when there is no title) becomes the first paragraph, so the
// text starts with the headline.
//
// Layout of `text`: block elements (p, div, h1-h6, li, blockquote, section,
// article, br, tr, table, ul, ol, dl, dd, dt, figure, figcaption, pre, header,
// main, hr, address, caption...) end a paragraph; paragraphs are separated by
// exactly one blank line ("\n\n"), with no leading or trailing newline. Inside
// a paragraph runs of ASCII whitespace become one space, and table cells are
// separated by a space. No-break spaces (U+00A0, U+202F) and other Unicode
// spaces are kept as they are inside a paragraph (French typography puts them
// inside « »), but trimmed at a paragraph's ends. Entities are decoded; soft
// hyphens (U+00AD) are removed. <pre> is collapsed like everything else.
//
// Metadata, each collapsed and trimmed, empty when absent:
//   title          <title>, else og:title
//   canonical_url  <link rel=canonical href>, else og:url (as written; a
//                  relative URL is not resolved)
//   site_name      og:site_name, else the JSON-LD publisher's name
//   published_time meta article:published_time, else itemprop=datePublished
//                  (meta content / time datetime), else JSON-LD datePublished
//                  (from <script type="application/ld+json">, an object, an
//                  array or an @graph; Article-like types first; malformed
//                  JSON is skipped), else a <time pubdate datetime>, else the
//                  first <time datetime> inside the chosen text element, else
//                  the first visible one on the page
//   lang           <html lang> (or xml:lang), else meta content-language
//   description    meta name=description, else og:description
//
// The input should be UTF-8 (the article reader converts or repairs it
// first); gumbo replaces invalid bytes with U+FFFD.
//
// Thread-safety: ParseHtmlPage is a pure function (gumbo keeps no global
// state); call it from any number of threads at once.
#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace quotetrail {

struct HtmlPage {
  std::string text;            // visible article text, paragraphs separated by "\n\n"
  std::string title;
  std::string canonical_url;
  std::string site_name;
  std::string published_time;  // as written in the page (usually ISO 8601)
  std::string lang;
  std::string description;
};

// Parses `html` and returns its text and metadata. A page without any text
// is not an error: `text` is then empty. Fails with
//   kInvalidArgument for inputs of 4 GiB or more (gumbo cannot address them)
//                    and for markup nested so deeply that gumbo would take
//                    minutes (its time grows with tags x open elements; the
//                    limit is about 30,000 nested <div>s, far beyond any real
//                    page; estimated by a quick scan before parsing);
//   kInternal        when the parser itself fails (out of memory).
Result<HtmlPage> ParseHtmlPage(std::string_view html);

}  // namespace quotetrail
