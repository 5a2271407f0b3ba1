// RAII owners for Windows handles, so that every exit path closes them.
#pragma once

#include <utility>
#include <windows.h>

namespace shouwei::win {

// A kernel handle closed with CloseHandle. INVALID_HANDLE_VALUE and null both mean "none".
class UniqueHandle {
 public:
  UniqueHandle() noexcept = default;
  explicit UniqueHandle(HANDLE h) noexcept : h_(h) {}
  UniqueHandle(UniqueHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }

  bool valid() const noexcept { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE get() const noexcept { return h_; }
  void reset() noexcept {
    if (valid()) ::CloseHandle(h_);
    h_ = nullptr;
  }

 private:
  HANDLE h_ = nullptr;
};

// Memory the system allocated with LocalAlloc (security descriptors, FormatMessage buffers).
template <typename T>
class LocalPtr {
 public:
  LocalPtr() noexcept = default;
  LocalPtr(const LocalPtr&) = delete;
  LocalPtr& operator=(const LocalPtr&) = delete;
  ~LocalPtr() {
    if (p_ != nullptr) ::LocalFree(p_);
  }
  T get() const noexcept { return p_; }
  T* out() noexcept { return &p_; }

 private:
  T p_ = nullptr;
};

}  // namespace shouwei::win
