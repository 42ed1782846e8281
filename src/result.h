// result.h: errors as values at module boundaries.
//
// Status carries an error code and a message written for the person running
// quotetrail ("file x.html: invalid UTF-8 at byte 1234"). Result<T> holds either
// a T or a non-ok Status (GCC 12 has no std::expected). Both are plain values:
// copyable, movable, safe to pass between threads.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace quotetrail {

enum class ErrorCode {
  kOk = 0,
  kInvalidArgument,   // the caller's input is wrong (bad option, malformed file)
  kNotFound,          // a named thing does not exist
  kUnavailable,       // a dependency (PostgreSQL, a file system) cannot be reached
  kFailedPrecondition,// the state forbids it (changed migration, locked data dir)
  kInternal,          // a bug or an unexpected library failure
};

const char* ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: message", or "ok".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Status FailedPrecondition(std::string m) { return {ErrorCode::kFailedPrecondition, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}             // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {       // NOLINT: implicit by design
    assert(!std::get<Status>(v_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

// Returns early from the enclosing function when `expr` (a Status) is not ok.
#define QT_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::quotetrail::Status _qt_st = (expr);     \
    if (!_qt_st.ok()) return _qt_st;          \
  } while (0)

}  // namespace quotetrail
