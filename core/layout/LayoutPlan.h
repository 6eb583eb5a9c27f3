#pragma once
// The plan of a chunked layout: which nodes go in which chunk, the dot input of every chunk,
// and how each graph edge is pieced together from dot edges of the chunks it passes.
// Internal to core/layout (LayoutEngine.h has the public face).
#include "layout/DotLayout.h"
#include "layout/LayoutEngine.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace netfold::layoutplan {

/// A dot edge of a chunk that is part of a graph edge's path.
struct PieceRef {
    int chunk;
    int dotEdge;
};

struct ChunkWork {
    int firstRank = 0;
    int lastRank = 0;
    std::vector<int> nodes; // graph nodes, local indices 0..
    std::vector<int> stubs; // then stubs
    std::unordered_map<int, int> entryLocal; // crossing -> local port
    std::unordered_map<int, int> exitLocal;
    std::vector<int> edges; // graph edges whose consumer is here
    DotInput input;
    std::string key;
    int job = -1;

    /// The dot edge a -> b of this chunk, added on first use.
    int dotEdge(int a, int b);

private:
    /// Open-addressing table (a << 32 | b) + 1 -> dot edge, 0 = empty; at most half full.
    std::vector<uint64_t> dotKeys_;
    std::vector<int> dotValues_;
};

/// The dot edges one graph edge is pieced together from, in order.
struct PieceSpan {
    const PieceRef* first = nullptr;
    const PieceRef* last = nullptr;
    const PieceRef* begin() const { return first; }
    const PieceRef* end() const { return last; }
    std::size_t size() const { return static_cast<std::size_t>(last - first); }
    const PieceRef& operator[](std::size_t i) const { return first[i]; }
};

struct Plan {
    LayoutPlanInfo info;
    std::vector<char> spineCrossing; // per crossing
    std::vector<LayoutStub> stubs;
    std::vector<int> stubOutOf; // per edge
    std::vector<int> stubInOf;
    std::vector<int> localOf;   // per node
    std::vector<int> stubLocal; // per stub
    std::vector<ChunkWork> chunks;
    std::vector<PieceRef> pieceRefs; // every edge's pieces, edge by edge
    std::vector<int> pieceStart;     // per edge, and one past the last: edge e has [start[e], start[e + 1])

    PieceSpan pieces(int e) const
    {
        return {pieceRefs.data() + pieceStart[e], pieceRefs.data() + pieceStart[e + 1]};
    }
};

/// Greedy cuts: close a chunk at the first boundary crossed by at most one value once it has
/// minChunkNodes, or at the cheapest boundary seen once it reaches maxChunkNodes.
std::vector<std::pair<int, int>> cutRanks(const std::vector<int>& perRank, const std::vector<int>& crossing,
                                          const LayoutOptions& o);

Plan makePlan(const LayoutGraph& g, const LayoutOptions& o);

} // namespace netfold::layoutplan
