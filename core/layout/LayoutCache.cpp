#include "layout/LayoutCache.h"

#include "layout/LayoutEngine.h"

#include <mutex>
#include <unordered_map>

namespace netfold {
namespace {

constexpr std::size_t kCacheLimit = 8192;
using Cache = std::unordered_map<std::string, std::shared_ptr<const DotOutput>>;

std::mutex& cacheMutex()
{
    static auto* m = new std::mutex;
    return *m;
}

/// Guarded by cacheMutex().
Cache& cache()
{
    static auto* c = new Cache;
    return *c;
}

} // namespace

namespace layoutcache {

std::shared_ptr<const DotOutput> find(const std::string& key)
{
    std::lock_guard<std::mutex> lock(cacheMutex());
    auto it = cache().find(key);
    return it == cache().end() ? nullptr : it->second;
}

void insert(const std::string& key, std::shared_ptr<const DotOutput> out)
{
    std::lock_guard<std::mutex> lock(cacheMutex());
    if (cache().size() >= kCacheLimit)
        cache().clear();
    cache().emplace(key, std::move(out));
}

} // namespace layoutcache

void clearLayoutCache()
{
    std::lock_guard<std::mutex> lock(cacheMutex());
    cache().clear();
}

std::size_t layoutCacheSize()
{
    std::lock_guard<std::mutex> lock(cacheMutex());
    return cache().size();
}

} // namespace netfold
