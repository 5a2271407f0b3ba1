// A scripted InventorySource for tests of the collector and of the agent: returns the facts (or
// the error) it was given, and counts the reads.
#pragma once

#include <utility>

#include "shouwei/collectors/inventory/inventory_source.hpp"

namespace shouwei::collectors {

class FakeInventorySource final : public InventorySource {
 public:
  explicit FakeInventorySource(Result<InventoryFacts> scripted) : scripted_(std::move(scripted)) {}

  Result<InventoryFacts> read() override {
    ++reads_;
    return scripted_;
  }
  int reads() const noexcept { return reads_; }

 private:
  Result<InventoryFacts> scripted_;
  int reads_ = 0;
};

}  // namespace shouwei::collectors
