#pragma once
#include "layout/LayoutGraph.h"
#include "layout/LayoutTypes.h"

#include <atomic>
#include <cstddef>
#include <functional>
#include <utility>
#include <vector>

namespace netfold {

/// Everything drawn in one chunk, handed over as soon as the chunk is placed.
struct LayoutChunkUpdate {
    int chunk = 0;
    int chunkCount = 0;
    LayoutChunk info;
    std::vector<std::pair<int, LayoutRect>> nodes;
    std::vector<std::pair<int, EdgeGeometry>> edges;
    std::vector<std::pair<int, LayoutStub>> stubs;
};

/// Hooks of a layout run. They are called from worker threads (never concurrently).
struct LayoutCallbacks {
    /// Chunks placed so far, of total.
    std::function<void(int done, int total)> progress;
    /// Called once per chunk, in chunk order.
    std::function<void(const LayoutChunkUpdate&)> chunkReady;
    /// Set to stop between chunks; the result is then marked cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

/// Ranking and chunking of a graph, before any Graphviz run.
struct LayoutPlanInfo {
    /// Longest-path rank of every node (nodes no graph input reaches are pulled down to just
    /// above their first consumer).
    std::vector<int> rank;
    /// Chunk of every node.
    std::vector<int> chunkOf;
    /// Edges drawn as stubs.
    std::vector<bool> stubbed;
    /// First and last rank of every chunk.
    std::vector<std::pair<int, int>> chunkRanks;
};

/// Cuts the graph into chunks at ranks few values cross, long edges stubbed (see DESIGN.md,
/// "Layout at scale"). Linear in the graph size.
LayoutPlanInfo planLayout(const LayoutGraph& graph, const LayoutOptions& options = {});

/// Lays out a LayoutGraph whose node sizes are set: plans chunks, lays each out with dot
/// (in parallel workers, each chunk's result cached by its content key), stacks them along the
/// rank direction and joins the edges that cross chunks. Thread-safe; never throws for graph
/// content (errors land in LayoutResult::error).
LayoutResult layoutGraph(const LayoutGraph& graph, const LayoutOptions& options = {}, const LayoutCallbacks& callbacks = {});

/// The process-wide chunk layout cache.
void clearLayoutCache();
std::size_t layoutCacheSize();

/// A point on a cubic Bézier point list (1 + 3k points) at parameter t in [0, 1] over all segments.
LayoutPoint bezierPoint(const std::vector<LayoutPoint>& points, double t);

} // namespace netfold
