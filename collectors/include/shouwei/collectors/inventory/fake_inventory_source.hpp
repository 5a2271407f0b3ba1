// A scripted InventorySource for tests of the collector and of the agent: returns the facts (or
// the error) it was given, and counts the reads.
#pragma once

#include <optional>
#include <utility>

#include "shouwei/collectors/inventory/inventory_source.hpp"

namespace shouwei::collectors {

class FakeInventorySource final : public InventorySource {
 public:
  explicit FakeInventorySource(InventoryFacts facts) : facts_(std::move(facts)) {}
  explicit FakeInventorySource(Error error) : error_(std::move(error)) {}

  Result<InventoryFacts> read() override {
    ++reads_;
    if (error_) return fail(*error_);
    return facts_;
  }
  int reads() const noexcept { return reads_; }

 private:
  InventoryFacts facts_;
  std::optional<Error> error_;
  int reads_ = 0;
};

}  // namespace shouwei::collectors
