#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace netfold {

/// A point in layout coordinates: points (1/72 inch), origin top left, y growing downwards.
struct LayoutPoint {
    double x = 0;
    double y = 0;
};

/// An axis-aligned box in layout coordinates (top-left corner and size).
struct LayoutRect {
    double x = 0;
    double y = 0;
    double w = 0;
    double h = 0;
    double right() const { return x + w; }
    double bottom() const { return y + h; }
    bool intersects(const LayoutRect& o) const { return x < o.right() && o.x < right() && y < o.bottom() && o.y < bottom(); }
    LayoutRect united(const LayoutRect& o) const;
};

/// Default of LayoutOptions::processes: NETFOLD_LAYOUT_PROCESSES, else 4 (capped by the cores).
int defaultProcesses();

struct LayoutOptions {
    enum class Direction : uint8_t { TopToBottom, LeftToRight };
    Direction direction = Direction::TopToBottom;
    /// Space between boxes of one rank and between ranks, in points.
    double nodeSep = 18;
    double rankSep = 22;
    /// Graphs with more nodes are cut into chunks laid out independently; smaller ones are laid
    /// out whole (and keep their long edges).
    int chunkThreshold = 300;
    /// A chunk is closed at the first cheap cut after minChunkNodes and at the cheapest cut
    /// seen once it reaches maxChunkNodes.
    int minChunkNodes = 40;
    int maxChunkNodes = 120;
    /// In chunked graphs, edges spanning more ranks are drawn as two labelled stubs.
    int longEdgeRanks = 30;
    /// Gap between stacked chunks, in points.
    double chunkGap = 30;
    /// Size of a stub box, in points.
    double stubWidth = 96;
    double stubHeight = 18;
    /// In-process chunk workers (0: one per core, at most 4). Graphviz itself runs one chunk at a
    /// time per process (see DotLayout.h), so these overlap only the work around it.
    int threads = 0;
    /// Worker processes (fork) running Graphviz in parallel, counting this one: the number of
    /// cores at most; 1 turns them off. Used when at least minJobsForProcesses chunks need a
    /// dot run. NETFOLD_LAYOUT_PROCESSES in the environment overrides the default.
    int processes = defaultProcesses();
    int minJobsForProcesses = 48;
    /// Reuse chunk layouts with the same content key (within the run and across runs through a
    /// process-wide cache). Off: every chunk is laid out (for cold benchmarks).
    bool cache = true;
};

/// A stub standing in for a long edge: below the producer ("to ...") or above a consumer
/// ("from ...").
struct LayoutStub {
    bool outgoing = true;
    /// The drawn node it hangs on (producer for outgoing stubs, consumer for incoming ones).
    int node = -1;
    /// The other end(s): consumers for an outgoing stub, the producer for an incoming one.
    std::vector<int> peers;
    /// The edges it stands for (LayoutGraph edge indices).
    std::vector<int> edges;
    std::string value;
    int chunk = -1;
    LayoutRect box;
};

/// Geometry of one LayoutGraph edge: one or more cubic Bézier pieces (1 + 3k points each),
/// drawn in order. The arrowhead goes at the end of the last piece. A stubbed edge has two
/// pieces: producer -> outgoing stub, and incoming stub -> consumer.
struct EdgeGeometry {
    std::vector<std::vector<LayoutPoint>> pieces;
    bool stubbed = false;
    int stubOut = -1;
    int stubIn = -1;
    /// A point for the shape label (middle of the piece entering the consumer).
    LayoutPoint labelPos;
    /// Places for the label in order of preference (labelPos first, then further along the
    /// piece entering the consumer), for views that avoid overlapping labels.
    std::vector<LayoutPoint> labelSpots;
    int chunk = -1;
};

/// One chunk of the drawing: a band of ranks laid out by one dot run and stacked.
struct LayoutChunk {
    int firstRank = 0;
    int lastRank = 0;
    /// LayoutGraph node indices (not stubs).
    std::vector<int> nodes;
    /// LayoutGraph edges whose consumer is in this chunk.
    std::vector<int> edges;
    /// Indices into LayoutResult::stubs.
    std::vector<int> stubs;
    LayoutRect bounds;
    /// True when the chunk's layout came from the cache.
    bool cached = false;
    /// The content key's hash.
    uint64_t key = 0;
};

struct LayoutStats {
    int chunks = 0;
    int cacheHits = 0;
    int stubbedEdges = 0;
    int maxChunkNodes = 0;
    /// Worker processes that ran Graphviz besides this one.
    int processes = 0;
    double planMs = 0;
    double dotMs = 0;
    double totalMs = 0;
};

/// Where every node, edge and stub goes.
struct LayoutResult {
    std::vector<LayoutRect> nodes;
    std::vector<EdgeGeometry> edges;
    std::vector<LayoutStub> stubs;
    std::vector<LayoutChunk> chunks;
    /// Chunk of every node.
    std::vector<int> chunkOf;
    LayoutRect bounds;
    LayoutStats stats;
    bool cancelled = false;
    /// Empty on success; the reason otherwise.
    std::string error;
};

} // namespace netfold
