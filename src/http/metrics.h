// http/metrics.h: the figures GET /metrics exposes, in the Prometheus text
// format (version 0.0.4):
//   quotetrail_http_requests_total{method,route,status}      counter
//   quotetrail_http_request_duration_seconds{route}           histogram
//   quotetrail_http_errors_total{route,code}                  counter (status >= 400,
//                                                             by error code of the contract)
//   quotetrail_api_documents_ingested_total{created}          counter (POST /api/v1/documents)
//   quotetrail_api_occurrences_ingested_total                 counter
//   quotetrail_http_uptime_seconds                            gauge
// `route` is the route's pattern ("/api/v1/quotes/{id}"), never the raw path,
// so the number of series stays bounded; requests matching no route count as
// route="other".
//
// A request is counted (requests, errors) as soon as its response is decided,
// before a byte of it is sent, so a client that reads /metrics after a reply
// finds that reply counted; its duration is recorded once the response has
// been written, so a streamed export's histogram entry includes the streaming.
//
// Thread-safety: every member may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace quotetrail::http {

class Metrics {
 public:
  Metrics();
  void RecordResponse(const std::string& method, const std::string& route, int status);
  void RecordDuration(const std::string& route, double seconds);
  void RecordIngest(bool created, size_t occurrences);
  std::string Render() const;

  static const char* ErrorCodeForStatus(int status);  // "not_found"... ("" below 400)

 private:
  struct Histogram {
    std::vector<uint64_t> buckets;  // cumulative counts per kBounds, then +Inf
    double sum = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mu_;
  std::chrono::steady_clock::time_point start_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::map<std::pair<std::string, std::string>, uint64_t> errors_;
  uint64_t documents_created_ = 0, documents_existing_ = 0, occurrences_ = 0;
};

}  // namespace quotetrail::http
