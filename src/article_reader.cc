#include "article_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <system_error>
#include <utility>

#include "html_text.h"
#include "utf8.h"

namespace quotetrail {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kStdinName = "<stdin>";

std::string ErrnoText(int err) { return std::generic_category().message(err); }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

std::string_view TrimLeft(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  return s;
}

// The lower-case extension of `path` with its dot (".html"), or "".
std::string Extension(const std::string& path) {
  return Lower(fs::path(path).extension().string());
}

bool IsArticleExtension(const std::string& ext) {
  return ext == ".txt" || ext == ".html" || ext == ".htm" || ext == ".jsonl";
}

// The name used in messages and Article::source.
std::string DisplayName(const std::string& path) {
  return path == "-" ? std::string(kStdinName) : path;
}

// Default article id: the file name without its extension.
std::string IdFromPath(const std::string& path) {
  if (path == "-") return "stdin";
  std::string stem = fs::path(path).stem().string();
  return stem.empty() ? fs::path(path).filename().string() : stem;
}

// CRLF and lone CR to LF, in place.
void NormalizeNewlines(std::string& s) {
  if (s.find('\r') == std::string::npos) return;
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      out.push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      out.push_back(s[i]);
    }
  }
  s = std::move(out);
}

// The charset an HTML page declares in its first 4 KiB (<meta charset=...> or
// the http-equiv Content-Type), lower-cased, or "".
std::string DeclaredCharset(std::string_view html) {
  const std::string head = Lower(html.substr(0, 4096));
  size_t pos = head.find("charset");
  while (pos != std::string::npos) {
    size_t i = pos + 7;
    while (i < head.size() && IsSpace(head[i])) ++i;
    if (i < head.size() && head[i] == '=') {
      ++i;
      while (i < head.size() && (IsSpace(head[i]) || head[i] == '"' || head[i] == '\'')) ++i;
      size_t j = i;
      while (j < head.size() && (IsAlnum(head[j]) ||
                                 head[j] == '-' || head[j] == '_' || head[j] == ':')) {
        ++j;
      }
      if (j > i) return head.substr(i, j - i);
    }
    pos = head.find("charset", pos + 7);
  }
  return {};
}

void Warn(const ReadOptions& opts, const std::string& message) {
  if (opts.warning) opts.warning(message);
}

// Makes `content` valid UTF-8 (see the header for the rules). Fails only
// with ReadOptions::reject_invalid_utf8.
Status EnsureUtf8(std::string& content, const std::string& name, InputFormat format,
                  const ReadOptions& opts) {
  size_t bad = 0;
  if (IsValidUtf8(content, &bad)) return Status::Ok();
  std::string charset;
  if (format == InputFormat::kHtml) {
    charset = DeclaredCharset(content);
    if (charset == "iso-8859-1" || charset == "latin1" || charset == "windows-1252" ||
        charset == "cp1252" || charset == "us-ascii" || charset == "ascii" ||
        charset == "iso8859-1" || charset == "l1") {
      content = Windows1252ToUtf8(content);
      return Status::Ok();
    }
    if (charset == "iso-8859-15" || charset == "latin9" || charset == "iso8859-15") {
      content = Latin9ToUtf8(content);
      return Status::Ok();
    }
  }
  if (opts.reject_invalid_utf8) {
    return InvalidArgument(name + ": invalid UTF-8 at byte " + std::to_string(bad) + "; skipped");
  }
  size_t replaced = 0;
  content = RepairUtf8(content, &replaced);
  std::string message = name + ": invalid UTF-8 at byte " + std::to_string(bad) + " (" +
                        std::to_string(replaced) +
                        (replaced == 1 ? " sequence" : " sequences") + " replaced with U+FFFD)";
  if (!charset.empty() && charset != "utf-8" && charset != "utf8") {
    message += "; the page declares charset " + charset + ", which is not decoded";
  }
  Warn(opts, message);
  return Status::Ok();
}

// ---------------------------------------------------------------- JSONL

const char* const kKnownFields[] = {"id", "url", "title", "published_at", "outlet",
                                    "language", "text", "html"};

bool IsKnownField(const std::string& key) {
  return std::find(std::begin(kKnownFields), std::end(kKnownFields), key) !=
         std::end(kKnownFields);
}

// Reads string field `key` of `obj` into `out` (absent or null: unchanged).
Status GetString(const json& obj, const char* key, std::string& out) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) {
    return InvalidArgument(std::string("field \"") + key + "\" must be a string, not " +
                           (it->is_number() ? "a number"
                            : it->is_boolean() ? "a boolean"
                            : it->is_array()   ? "an array"
                                               : "an object"));
  }
  out = it->get<std::string>();
  if (out.find('\0') != std::string::npos) {
    return InvalidArgument(std::string("field \"") + key + "\" contains a NUL character");
  }
  return Status::Ok();
}

// One JSONL line (already known not to be blank) into an article.
Result<Article> ArticleFromJsonLine(std::string_view line, const std::string& name, size_t line_no,
                                    const std::string& default_id,
                                    std::map<std::string, size_t>& unknown_fields) {
  const std::string where = name + ":" + std::to_string(line_no) + ": ";
  json obj;
  try {
    obj = json::parse(line);
  } catch (const json::parse_error& e) {
    return InvalidArgument(where + "not valid JSON (error at column " + std::to_string(e.byte) +
                           ")");
  } catch (const json::exception& e) {
    return InvalidArgument(where + "not valid JSON (" + e.what() + ")");
  }
  if (!obj.is_object()) {
    return InvalidArgument(where + "expected a JSON object, got " +
                           (obj.is_array() ? std::string("an array") : std::string("a ") + obj.type_name()));
  }
  for (const auto& [key, value] : obj.items()) {
    if (!IsKnownField(key)) unknown_fields.emplace(key, line_no);  // keeps the first line
  }

  Article a;
  a.source = name + ":" + std::to_string(line_no);
  auto id = obj.find("id");
  if (id != obj.end() && (id->is_number_integer() || id->is_number_unsigned())) {
    a.id = id->dump();
  } else if (Status s = GetString(obj, "id", a.id); !s.ok()) {
    return InvalidArgument(where + s.message() + " (or an integer)");
  }
  std::string text, html;
  bool has_text = false;
  for (auto [key, field] : {std::pair<const char*, std::string*>{"url", &a.url},
                            {"title", &a.title},
                            {"published_at", &a.published_at},
                            {"outlet", &a.outlet},
                            {"language", &a.language},
                            {"text", &text},
                            {"html", &html}}) {
    Status s = GetString(obj, key, *field);
    if (!s.ok()) return InvalidArgument(where + s.message());
  }
  auto t = obj.find("text");
  has_text = t != obj.end() && t->is_string();
  auto h = obj.find("html");
  const bool has_html = h != obj.end() && h->is_string();
  if (!has_text && !has_html) return InvalidArgument(where + "no \"text\" or \"html\" field");

  if (has_html) {
    Result<HtmlPage> page = ParseHtmlPage(html);
    if (!page.ok()) return InvalidArgument(where + page.status().message());
    auto fill = [](std::string& field, std::string& value) {
      if (field.empty()) field = std::move(value);
    };
    fill(a.url, page->canonical_url);
    fill(a.title, page->title);
    fill(a.published_at, page->published_time);
    fill(a.outlet, page->site_name);
    fill(a.language, page->lang);
    if (!has_text) text = std::move(page->text);
  }
  NormalizeNewlines(text);
  a.text = std::move(text);
  if (a.id.empty()) a.id = default_id + ":" + std::to_string(line_no);
  return a;
}

void ReadJsonl(const std::string& content, const std::string& path, const std::string& name,
               const ReadOptions& opts, const std::function<void(Result<Article>)>& sink) {
  const std::string default_id = IdFromPath(path);
  std::map<std::string, size_t> unknown_fields;  // name -> first line
  size_t line_no = 0;
  size_t start = 0;
  while (start < content.size()) {
    size_t end = content.find('\n', start);
    if (end == std::string::npos) end = content.size();
    const std::string_view line(content.data() + start, end - start);
    ++line_no;
    start = end + 1;
    if (TrimLeft(line).empty()) continue;
    if (size_t bad = 0; opts.reject_invalid_utf8 && !IsValidUtf8(line, &bad)) {
      sink(InvalidArgument(name + ":" + std::to_string(line_no) + ": invalid UTF-8 at byte " +
                           std::to_string(bad) + " of the line; skipped"));
      continue;
    }
    sink(ArticleFromJsonLine(line, name, line_no, default_id, unknown_fields));
  }
  if (!unknown_fields.empty()) {
    std::vector<std::pair<std::string, size_t>> by_line(unknown_fields.begin(),
                                                        unknown_fields.end());
    std::stable_sort(by_line.begin(), by_line.end(),
                     [](const auto& x, const auto& y) { return x.second < y.second; });
    std::string message = name + ": unknown fields ignored:";
    for (size_t i = 0; i < by_line.size(); ++i) {
      message += (i ? ", \"" : " \"") + by_line[i].first + "\" (first on line " +
                 std::to_string(by_line[i].second) + ")";
    }
    Warn(opts, message);
  }
}

}  // namespace

// ---------------------------------------------------------------- public

Result<std::vector<std::string>> ExpandInputs(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) {
    if (path == "-") {
      out.push_back(path);
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(path, ec);
    if (ec || !fs::exists(st)) {
      if (!ec || ec == std::errc::no_such_file_or_directory) {
        return NotFound(path + ": no such file or directory");
      }
      return Unavailable(path + ": " + ec.message());
    }
    if (!fs::is_directory(st)) {
      out.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, ec), end;
    if (ec) return Unavailable(path + ": cannot list directory: " + ec.message());
    for (; it != end; it.increment(ec)) {
      if (ec) break;
      const fs::path& p = it->path();
      const std::string file_name = p.filename().string();
      if (!file_name.empty() && file_name[0] == '.') {
        std::error_code dir_ec;
        if (it->is_directory(dir_ec)) it.disable_recursion_pending();
        continue;
      }
      std::error_code type_ec;
      if (it->is_regular_file(type_ec) && IsArticleExtension(Lower(p.extension().string()))) {
        found.push_back(p.string());
      }
    }
    if (ec) return Unavailable(path + ": cannot list directory: " + ec.message());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Result<std::string> ReadFile(const std::string& path, uint64_t max_bytes) {
  const bool is_stdin = path == "-";
  const std::string name = DisplayName(path);
  int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENOENT) return NotFound(name + ": no such file or directory");
    return Unavailable(name + ": cannot open: " + ErrnoText(err));
  }
  // Closes the descriptor on every return path (never standard input).
  struct Closer {
    int fd;
    bool owned;
    ~Closer() {
      if (owned) ::close(fd);
    }
  } closer{fd, !is_stdin};

  struct stat st {};
  if (::fstat(fd, &st) != 0) return Unavailable(name + ": cannot stat: " + ErrnoText(errno));
  if (S_ISDIR(st.st_mode)) return InvalidArgument(name + ": is a directory");
  auto too_large = [&](uint64_t size, bool at_least) {
    return InvalidArgument(name + ": too large: " + (at_least ? "more than " : "") +
                           std::to_string(size) + " bytes (limit " + std::to_string(max_bytes) +
                           " bytes)");
  };
  std::string data;
  if (S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_bytes) {
      return too_large(static_cast<uint64_t>(st.st_size), false);
    }
    data.reserve(static_cast<size_t>(st.st_size));
  }
  char buf[1 << 16];
  while (true) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable(name + ": read error: " + ErrnoText(errno));
    }
    if (n == 0) break;
    if (data.size() + static_cast<size_t>(n) > max_bytes) return too_large(max_bytes, true);
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

InputFormat DetectFormat(const std::string& path, std::string_view content) {
  if (path != "-") {
    const std::string ext = Extension(path);
    if (ext == ".txt") return InputFormat::kText;
    if (ext == ".html" || ext == ".htm") return InputFormat::kHtml;
    if (ext == ".jsonl") return InputFormat::kJsonl;
  }
  std::string_view s = content;
  if (s.starts_with("\xEF\xBB\xBF")) s.remove_prefix(3);
  s = TrimLeft(s);
  if (s.starts_with("{")) return InputFormat::kJsonl;
  const std::string head = Lower(s.substr(0, 64));
  if (head.starts_with("<!doctype html") || head.starts_with("<html") ||
      head.starts_with("<!--") || head.starts_with("<head") || head.starts_with("<meta")) {
    return InputFormat::kHtml;
  }
  return InputFormat::kText;
}

void ReadArticlesFromContent(std::string content, const std::string& path, InputFormat format,
                             const ReadOptions& opts,
                             const std::function<void(Result<Article>)>& sink) {
  const std::string name = DisplayName(path);
  if (content.starts_with("\xFF\xFE") || content.starts_with("\xFE\xFF")) {
    sink(InvalidArgument(name + ": is UTF-16; convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)"));
    return;
  }
  if (content.starts_with("\xEF\xBB\xBF")) content.erase(0, 3);
  if (size_t nul = content.find('\0'); nul != std::string::npos) {
    sink(InvalidArgument(name + ": looks binary (NUL byte at " + std::to_string(nul) + ")"));
    return;
  }
  // With reject_invalid_utf8, JSONL is checked line by line (ReadJsonl).
  if (format != InputFormat::kJsonl || !opts.reject_invalid_utf8) {
    if (Status s = EnsureUtf8(content, name, format, opts); !s.ok()) {
      sink(s);
      return;
    }
  }
  NormalizeNewlines(content);

  switch (format) {
    case InputFormat::kJsonl:
      ReadJsonl(content, path, name, opts, sink);
      return;
    case InputFormat::kHtml: {
      Result<HtmlPage> page = ParseHtmlPage(content);
      if (!page.ok()) {
        sink(Status(page.status().code(), name + ": " + page.status().message()));
        return;
      }
      Article a;
      a.id = IdFromPath(path);
      a.url = std::move(page->canonical_url);
      a.title = std::move(page->title);
      a.published_at = std::move(page->published_time);
      a.outlet = std::move(page->site_name);
      a.language = std::move(page->lang);
      a.text = std::move(page->text);
      a.source = name;
      if (a.text.empty()) Warn(opts, name + ": no visible text found in the page");
      sink(std::move(a));
      return;
    }
    case InputFormat::kText: {
      Article a;
      a.id = IdFromPath(path);
      a.text = std::move(content);
      a.source = name;
      if (TrimLeft(a.text).empty()) Warn(opts, name + ": empty text");
      sink(std::move(a));
      return;
    }
  }
}

void ReadArticles(const std::string& path, const ReadOptions& opts,
                  const std::function<void(Result<Article>)>& sink) {
  Result<std::string> content = ReadFile(path, opts.max_file_bytes);
  if (!content.ok()) {
    sink(content.status());
    return;
  }
  const InputFormat format = DetectFormat(path, *content);
  ReadArticlesFromContent(std::move(content).value(), path, format, opts, sink);
}

}  // namespace quotetrail
