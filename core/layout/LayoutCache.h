#pragma once
#include "layout/DotLayout.h"

#include <memory>
#include <string>

namespace netfold::layoutcache {

/// The process-wide cache of chunk layouts, keyed by a chunk's content (DotInput::key()).
/// Thread-safe; never destroyed (a layout worker may finish a chunk while exit() runs).
std::shared_ptr<const DotOutput> find(const std::string& key);
void insert(const std::string& key, std::shared_ptr<const DotOutput> out);

} // namespace netfold::layoutcache
