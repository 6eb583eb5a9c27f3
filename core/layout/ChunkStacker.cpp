#include "layout/ChunkStacker.h"

#include <algorithm>

namespace netfold::layoutplan {

namespace {

std::vector<LayoutPoint> labelSpots(const std::vector<LayoutPoint>& piece)
{
    std::vector<LayoutPoint> spots;
    for (double t : {0.5, 0.35, 0.65, 0.2, 0.8})
        spots.push_back(bezierPoint(piece, t));
    return spots;
}

} // namespace

ChunkStacker::ChunkStacker(const Plan& plan, const LayoutOptions& options, LayoutResult& result,
                           std::function<const DotOutput&(int chunk)> outputOf)
    : plan_(plan), o_(options), res_(result), outputOf_(std::move(outputOf)), offset_(plan.chunks.size()),
      topToBottom_(options.direction == LayoutOptions::Direction::TopToBottom)
{
}

void ChunkStacker::place(int c)
{
    offset_[c] = offsetFor(c);
    placeBoxes(c);
    joinEdges(c);
    res_.bounds = res_.bounds.united(res_.chunks[c].bounds);
}

/// Below (or right of) the previous chunk, aligning the main path's ports if it crosses here,
/// else the median port, else centred.
LayoutPoint ChunkStacker::offsetFor(int c) const
{
    if (c == 0)
        return {0, 0};
    const bool tb = topToBottom_;
    const ChunkWork& cw = plan_.chunks[c];
    const DotOutput& out = outputOf_(c);
    const ChunkWork& prev = plan_.chunks[c - 1];
    const DotOutput& pout = outputOf_(c - 1);
    const LayoutRect& pb = res_.chunks[c - 1].bounds;
    std::vector<double> diffs;
    for (const auto& [x, local] : cw.entryLocal) {
        auto pe = prev.exitLocal.find(x);
        if (pe == prev.exitLocal.end())
            continue;
        const LayoutPoint pp = pout.centers[pe->second];
        const LayoutPoint ep = out.centers[local];
        const double d = tb ? offset_[c - 1].x + pp.x - ep.x : offset_[c - 1].y + pp.y - ep.y;
        if (plan_.spineCrossing[x]) {
            diffs = {d};
            break;
        }
        diffs.push_back(d);
    }
    double cross = 0;
    if (!diffs.empty()) {
        std::nth_element(diffs.begin(), diffs.begin() + diffs.size() / 2, diffs.end());
        cross = diffs[diffs.size() / 2];
    } else {
        cross = tb ? pb.x + (pb.w - out.width) / 2 : pb.y + (pb.h - out.height) / 2;
    }
    return tb ? LayoutPoint{cross, pb.bottom() + o_.chunkGap} : LayoutPoint{pb.right() + o_.chunkGap, cross};
}

void ChunkStacker::placeBoxes(int c)
{
    const ChunkWork& cw = plan_.chunks[c];
    const DotOutput& out = outputOf_(c);
    const LayoutPoint off = offset_[c];
    LayoutChunk& info = res_.chunks[c];
    info.bounds = {off.x, off.y, out.width, out.height};
    auto boxAt = [&](int local) {
        const auto& box = cw.input.boxes[local];
        const LayoutPoint ctr = out.centers[local];
        return LayoutRect{off.x + ctr.x - box.first / 2, off.y + ctr.y - box.second / 2, box.first, box.second};
    };
    for (std::size_t i = 0; i < cw.nodes.size(); ++i)
        res_.nodes[cw.nodes[i]] = boxAt(static_cast<int>(i));
    for (std::size_t i = 0; i < cw.stubs.size(); ++i)
        res_.stubs[cw.stubs[i]].box = boxAt(static_cast<int>(cw.nodes.size() + i));
    // Graphviz rounds sizes inside its bounding box: make the bounds hold every box exactly.
    for (int v : cw.nodes)
        info.bounds = info.bounds.united(res_.nodes[v]);
    for (int st : cw.stubs)
        info.bounds = info.bounds.united(res_.stubs[st].box);
}

/// A chunk-local spline moved to scene coordinates.
std::vector<LayoutPoint> ChunkStacker::scenePiece(const PieceRef& ref) const
{
    std::vector<LayoutPoint> pts = outputOf_(ref.chunk).splines[ref.dotEdge];
    for (LayoutPoint& q : pts) {
        q.x += offset_[ref.chunk].x;
        q.y += offset_[ref.chunk].y;
    }
    return pts;
}

void ChunkStacker::joinEdges(int c)
{
    const double half = o_.chunkGap / 2;
    for (int e : plan_.chunks[c].edges) {
        EdgeGeometry& eg = res_.edges[e];
        eg.chunk = c;
        const PieceSpan refs = plan_.pieces(e);
        if (plan_.info.stubbed[e]) {
            eg.stubbed = true;
            eg.stubOut = plan_.stubOutOf[e];
            eg.stubIn = plan_.stubInOf[e];
            eg.pieces.clear();
            eg.pieces.push_back(scenePiece(refs[0]));
            eg.pieces.push_back(scenePiece(refs[1]));
            eg.labelPos = bezierPoint(eg.pieces[1], 0.5);
            eg.labelSpots = labelSpots(eg.pieces[1]);
            continue;
        }
        if (refs.size() == 1) {
            // Within one chunk (most edges): the piece is the path.
            std::vector<LayoutPoint> path = scenePiece(refs[0]);
            eg.labelPos = bezierPoint(path, 0.5);
            eg.labelSpots = labelSpots(path);
            eg.pieces.clear();
            eg.pieces.push_back(std::move(path));
            continue;
        }
        std::vector<LayoutPoint> path;
        std::vector<LayoutPoint> last;
        for (const PieceRef& ref : refs) {
            std::vector<LayoutPoint> piece = scenePiece(ref);
            if (piece.empty())
                continue;
            if (path.empty()) {
                path = piece;
            } else {
                // Connector across the gap between stacked chunks, leaving and entering along
                // the rank direction.
                const LayoutPoint a = path.back(), z = piece.front();
                if (topToBottom_) {
                    path.push_back({a.x, a.y + half});
                    path.push_back({z.x, z.y - half});
                } else {
                    path.push_back({a.x + half, a.y});
                    path.push_back({z.x - half, z.y});
                }
                path.insert(path.end(), piece.begin(), piece.end());
            }
            last = std::move(piece);
        }
        eg.labelPos = bezierPoint(last, 0.5);
        eg.labelSpots = labelSpots(last);
        eg.pieces.clear();
        eg.pieces.push_back(std::move(path));
    }
}

} // namespace netfold::layoutplan
