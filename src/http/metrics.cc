// http/metrics.cc: see metrics.h.
#include "http/metrics.h"

#include <cstdio>

namespace quotetrail::http {
namespace {

constexpr double kBounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
constexpr size_t kNumBounds = sizeof kBounds / sizeof kBounds[0];

// A label value with \, " and newline escaped.
std::string Label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string Number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

Metrics::Metrics() : start_(std::chrono::steady_clock::now()) {}

const char* Metrics::ErrorCodeForStatus(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 413: return "payload_too_large";
    case 422: return "unprocessable";
    case 503: return "unavailable";
    default: break;
  }
  if (status >= 500) return "internal";
  if (status >= 400) return "bad_request";
  return "";
}

void Metrics::RecordResponse(const std::string& method, const std::string& route, int status) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[{method, route, status}];
  if (status >= 400) ++errors_[{route, ErrorCodeForStatus(status)}];
}

void Metrics::RecordDuration(const std::string& route, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  Histogram& h = latency_[route];
  if (h.buckets.empty()) h.buckets.assign(kNumBounds + 1, 0);
  for (size_t i = 0; i < kNumBounds; ++i)
    if (seconds <= kBounds[i]) ++h.buckets[i];
  ++h.buckets[kNumBounds];
  h.sum += seconds;
  ++h.count;
}

void Metrics::RecordIngest(bool created, size_t occurrences) {
  std::lock_guard<std::mutex> lock(mu_);
  ++(created ? documents_created_ : documents_existing_);
  occurrences_ += occurrences;
}

std::string Metrics::Render() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  out += "# HELP quotetrail_http_requests_total HTTP requests by method, route and status.\n";
  out += "# TYPE quotetrail_http_requests_total counter\n";
  for (const auto& [key, n] : requests_) {
    const auto& [method, route, status] = key;
    out += "quotetrail_http_requests_total{method=\"" + Label(method) + "\",route=\"" + Label(route) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(n) + "\n";
  }
  out += "# HELP quotetrail_http_request_duration_seconds Time from routing to response, by route.\n";
  out += "# TYPE quotetrail_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string r = "route=\"" + Label(route) + "\"";
    for (size_t i = 0; i < kNumBounds; ++i)
      out += "quotetrail_http_request_duration_seconds_bucket{" + r + ",le=\"" + Number(kBounds[i]) +
             "\"} " + std::to_string(h.buckets[i]) + "\n";
    out += "quotetrail_http_request_duration_seconds_bucket{" + r + ",le=\"+Inf\"} " +
           std::to_string(h.buckets[kNumBounds]) + "\n";
    out += "quotetrail_http_request_duration_seconds_sum{" + r + "} " + Number(h.sum) + "\n";
    out += "quotetrail_http_request_duration_seconds_count{" + r + "} " + std::to_string(h.count) + "\n";
  }
  out += "# HELP quotetrail_http_errors_total Responses with status >= 400, by route and error code.\n";
  out += "# TYPE quotetrail_http_errors_total counter\n";
  for (const auto& [key, n] : errors_)
    out += "quotetrail_http_errors_total{route=\"" + Label(key.first) + "\",code=\"" + key.second + "\"} " +
           std::to_string(n) + "\n";
  out += "# HELP quotetrail_api_documents_ingested_total Documents posted to the API, by whether they were new.\n";
  out += "# TYPE quotetrail_api_documents_ingested_total counter\n";
  out += "quotetrail_api_documents_ingested_total{created=\"true\"} " + std::to_string(documents_created_) + "\n";
  out += "quotetrail_api_documents_ingested_total{created=\"false\"} " + std::to_string(documents_existing_) + "\n";
  out += "# HELP quotetrail_api_occurrences_ingested_total Quote occurrences stored from posted documents.\n";
  out += "# TYPE quotetrail_api_occurrences_ingested_total counter\n";
  out += "quotetrail_api_occurrences_ingested_total " + std::to_string(occurrences_) + "\n";
  out += "# HELP quotetrail_http_uptime_seconds Seconds since the server started.\n";
  out += "# TYPE quotetrail_http_uptime_seconds gauge\n";
  out += "quotetrail_http_uptime_seconds " +
         Number(std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count()) + "\n";
  return out;
}

}  // namespace quotetrail::http
