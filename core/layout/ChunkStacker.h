#pragma once
// Stacks laid-out chunks along the rank direction and joins the edges that cross them.
// Internal to core/layout.
#include "layout/LayoutPlan.h"

#include <functional>

namespace netfold::layoutplan {

class ChunkStacker {
public:
    /// outputOf(chunk) is the dot layout of a chunk; it is only asked for chunks already
    /// placed and the one being placed.
    ChunkStacker(const Plan& plan, const LayoutOptions& options, LayoutResult& result,
                 std::function<const DotOutput&(int chunk)> outputOf);

    /// Places chunk c (all chunks before it must be placed): its offset, node and stub boxes,
    /// and the scene paths of the edges whose consumer is in it.
    void place(int c);

private:
    LayoutPoint offsetFor(int c) const;
    void placeBoxes(int c);
    void joinEdges(int c);
    std::vector<LayoutPoint> scenePiece(const PieceRef& ref) const;

    const Plan& plan_;
    const LayoutOptions& o_;
    LayoutResult& res_;
    std::function<const DotOutput&(int)> outputOf_;
    std::vector<LayoutPoint> offset_;
    bool topToBottom_;
};

} // namespace netfold::layoutplan
