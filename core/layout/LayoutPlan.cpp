#include "layout/LayoutPlan.h"

#include <algorithm>
#include <climits>

namespace netfold::layoutplan {

int ChunkWork::dotEdge(int a, int b)
{
    auto it = dotEdgeOf.find({a, b});
    if (it != dotEdgeOf.end())
        return it->second;
    const int i = static_cast<int>(input.edges.size());
    input.edges.emplace_back(a, b);
    dotEdgeOf.emplace(std::make_pair(a, b), i);
    return i;
}

namespace {

void rankNodes(const LayoutGraph& g, LayoutPlanInfo& info)
{
    const int n = static_cast<int>(g.nodes.size());
    std::vector<std::vector<int>> succ(n), pred(n);
    for (const LayoutEdge& e : g.edges) {
        succ[e.from].push_back(e.to);
        pred[e.to].push_back(e.from);
    }
    // Kahn's order (the builder already emits a topological order; this keeps us robust).
    std::vector<int> indeg(n), order;
    order.reserve(n);
    for (int v = 0; v < n; ++v)
        indeg[v] = static_cast<int>(pred[v].size());
    for (int v = 0; v < n; ++v)
        if (indeg[v] == 0)
            order.push_back(v);
    for (std::size_t i = 0; i < order.size(); ++i)
        for (int w : succ[order[i]])
            if (--indeg[w] == 0)
                order.push_back(w);
    for (int v = 0; v < n; ++v)
        if (indeg[v] > 0)
            order.push_back(v); // cycle: should not happen in a validated graph

    info.rank.assign(n, 0);
    std::vector<char> reached(n, 0);
    for (int v : order) {
        if (g.nodes[v].kind == LayoutNodeKind::Input)
            reached[v] = 1;
        for (int u : pred[v]) {
            info.rank[v] = std::max(info.rank[v], info.rank[u] + 1);
            reached[v] |= reached[u];
        }
    }
    // Constant sub-chains (no graph input above them) sit just above their first consumer.
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const int v = *it;
        if (reached[v] || succ[v].empty())
            continue;
        int r = INT_MAX;
        for (int w : succ[v])
            r = std::min(r, info.rank[w] - 1);
        info.rank[v] = std::max(info.rank[v], r);
    }
}

/// Values alive across each boundary (boundary r lies between rank r and r + 1), then cuts.
std::vector<std::pair<int, int>> chunkRanksByCrossings(const LayoutGraph& g, const LayoutOptions& o,
                                                       const LayoutPlanInfo& info, int ranks)
{
    const int n = static_cast<int>(g.nodes.size());
    const int m = static_cast<int>(g.edges.size());
    std::vector<int> perRank(ranks, 0), diff(ranks + 1, 0);
    for (int v = 0; v < n; ++v)
        ++perRank[info.rank[v]];
    std::map<std::pair<int, std::string>, int> lastUse;
    for (int e = 0; e < m; ++e) {
        if (info.stubbed[e])
            continue;
        const LayoutEdge& le = g.edges[e];
        int& last = lastUse[{le.from, le.value}];
        last = std::max(last, info.rank[le.to]);
    }
    for (const auto& [key, last] : lastUse) {
        ++diff[info.rank[key.first]];
        --diff[last];
    }
    std::vector<int> crossing(ranks, 0);
    int run = 0;
    for (int r = 0; r < ranks; ++r) {
        run += diff[r];
        crossing[r] = run;
    }
    return cutRanks(perRank, crossing, o);
}

/// Ranks, stubbed edges, chunk rank ranges and the chunk of every node.
void planChunks(const LayoutGraph& g, const LayoutOptions& o, LayoutPlanInfo& info)
{
    const int n = static_cast<int>(g.nodes.size());
    const int m = static_cast<int>(g.edges.size());
    rankNodes(g, info);
    int ranks = 0;
    for (int r : info.rank)
        ranks = std::max(ranks, r + 1);
    const bool chunked = n > o.chunkThreshold;

    info.stubbed.assign(m, false);
    if (chunked && o.longEdgeRanks > 0)
        for (int e = 0; e < m; ++e)
            info.stubbed[e] = info.rank[g.edges[e].to] - info.rank[g.edges[e].from] > o.longEdgeRanks;
    info.chunkRanks = chunked ? chunkRanksByCrossings(g, o, info, ranks)
                              : std::vector<std::pair<int, int>>{{0, std::max(ranks - 1, 0)}};

    std::vector<int> chunkOfRank(std::max(ranks, 1), 0);
    for (std::size_t c = 0; c < info.chunkRanks.size(); ++c)
        for (int r = info.chunkRanks[c].first; r <= info.chunkRanks[c].second; ++r)
            chunkOfRank[r] = static_cast<int>(c);
    info.chunkOf.resize(n);
    for (int v = 0; v < n; ++v)
        info.chunkOf[v] = chunkOfRank[info.rank[v]];
}

/// Nodes of each chunk, ordered by rank then index (stable for the content key), with boxes.
void placeNodesInChunks(const LayoutGraph& g, Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int n = static_cast<int>(g.nodes.size());
    p.chunks.resize(info.chunkRanks.size());
    for (std::size_t c = 0; c < p.chunks.size(); ++c) {
        p.chunks[c].firstRank = info.chunkRanks[c].first;
        p.chunks[c].lastRank = info.chunkRanks[c].second;
    }
    std::vector<int> byRank(n);
    for (int v = 0; v < n; ++v)
        byRank[v] = v;
    std::stable_sort(byRank.begin(), byRank.end(), [&](int a, int b) { return info.rank[a] < info.rank[b]; });
    p.localOf.assign(n, -1);
    for (int v : byRank) {
        ChunkWork& cw = p.chunks[info.chunkOf[v]];
        p.localOf[v] = static_cast<int>(cw.nodes.size());
        cw.nodes.push_back(v);
        cw.input.boxes.emplace_back(g.nodes[v].width > 0 ? g.nodes[v].width : 72.0,
                                    g.nodes[v].height > 0 ? g.nodes[v].height : 36.0);
    }
}

/// The main path: from the first graph output up through every node's first input (edges are
/// emitted in input order, so that is the data input: Reshape's data, Add's left operand).
/// Marks its nodes in their chunks' dot input; returns the edges on it.
std::vector<char> markSpine(const LayoutGraph& g, Plan& p)
{
    const int n = static_cast<int>(g.nodes.size());
    const int m = static_cast<int>(g.edges.size());
    std::vector<int> firstIn(n, -1);
    for (int e = m - 1; e >= 0; --e)
        firstIn[g.edges[e].to] = e;
    std::vector<char> spineNode(n, 0), spineEdge(m, 0);
    for (int v = 0; v < n; ++v) {
        if (g.nodes[v].kind != LayoutNodeKind::Output)
            continue;
        for (int w = v; w >= 0 && !spineNode[w];) {
            spineNode[w] = 1;
            const int e = firstIn[w];
            if (e < 0)
                break;
            spineEdge[e] = 1;
            w = g.edges[e].from;
        }
        break;
    }
    for (ChunkWork& cw : p.chunks)
        for (std::size_t i = 0; i < cw.nodes.size(); ++i)
            if (spineNode[cw.nodes[i]])
                cw.input.spine.push_back(static_cast<int>(i));
    return spineEdge;
}

/// Stubs: one outgoing per (producer, value), one incoming per stubbed edge.
void addStubs(const LayoutGraph& g, const LayoutOptions& o, Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int m = static_cast<int>(g.edges.size());
    p.stubOutOf.assign(m, -1);
    p.stubInOf.assign(m, -1);
    std::map<std::pair<int, std::string>, int> outStub;
    for (int e = 0; e < m; ++e) {
        if (!info.stubbed[e])
            continue;
        const LayoutEdge& le = g.edges[e];
        auto it = outStub.find({le.from, le.value});
        if (it == outStub.end()) {
            LayoutStub s;
            s.outgoing = true;
            s.node = le.from;
            s.value = le.value;
            s.chunk = info.chunkOf[le.from];
            it = outStub.emplace(std::make_pair(le.from, le.value), static_cast<int>(p.stubs.size())).first;
            p.stubs.push_back(std::move(s));
        }
        LayoutStub& so = p.stubs[it->second];
        so.peers.push_back(le.to);
        so.edges.push_back(e);
        p.stubOutOf[e] = it->second;
        LayoutStub si;
        si.outgoing = false;
        si.node = le.to;
        si.peers = {le.from};
        si.edges = {e};
        si.value = le.value;
        si.chunk = info.chunkOf[le.to];
        p.stubInOf[e] = static_cast<int>(p.stubs.size());
        p.stubs.push_back(std::move(si));
    }
    p.stubLocal.assign(p.stubs.size(), -1);
    for (std::size_t s = 0; s < p.stubs.size(); ++s) {
        ChunkWork& cw = p.chunks[p.stubs[s].chunk];
        p.stubLocal[s] = static_cast<int>(cw.nodes.size() + cw.stubs.size());
        cw.stubs.push_back(static_cast<int>(s));
        cw.input.boxes.emplace_back(o.stubWidth, o.stubHeight);
    }
}

/// A value that crosses chunk boundaries: produced in chunk first, last read in chunk last.
struct Crossing {
    int producer;
    int first;
    int last;
};

struct Crossings {
    std::vector<Crossing> list;
    std::vector<int> ofEdge; // per graph edge, -1 when it stays in its chunk or is stubbed
};

Crossings findCrossings(const LayoutGraph& g, const std::vector<char>& spineEdge, Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int m = static_cast<int>(g.edges.size());
    Crossings cx;
    cx.ofEdge.assign(m, -1);
    std::map<std::pair<int, std::string>, int> crossingOf;
    for (int e = 0; e < m; ++e) {
        const LayoutEdge& le = g.edges[e];
        if (info.stubbed[e] || info.chunkOf[le.from] == info.chunkOf[le.to])
            continue;
        auto it = crossingOf.find({le.from, le.value});
        if (it == crossingOf.end()) {
            it = crossingOf.emplace(std::make_pair(le.from, le.value), static_cast<int>(cx.list.size())).first;
            cx.list.push_back({le.from, info.chunkOf[le.from], info.chunkOf[le.to]});
        }
        Crossing& cr = cx.list[it->second];
        cr.last = std::max(cr.last, info.chunkOf[le.to]);
        cx.ofEdge[e] = it->second;
        p.spineCrossing.resize(cx.list.size(), 0);
        if (spineEdge[e])
            p.spineCrossing[it->second] = 1;
    }
    return cx;
}

/// Ports for crossing values: at the bottom of the producer's chunk, at both ends of every
/// chunk passed through, at the top of each consumer's chunk; in a stable order (by producer,
/// then crossing id).
void addPorts(const Crossings& cx, Plan& p)
{
    const std::vector<Crossing>& crossings = cx.list;
    std::vector<int> order(crossings.size());
    for (std::size_t i = 0; i < crossings.size(); ++i)
        order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return crossings[a].producer < crossings[b].producer; });
    constexpr double kPort = 2.0;
    for (int x : order) {
        for (int c = crossings[x].first + 1; c <= crossings[x].last; ++c) {
            ChunkWork& cw = p.chunks[c];
            const int local = static_cast<int>(cw.input.boxes.size());
            cw.entryLocal[x] = local;
            cw.input.sources.push_back(local);
            if (p.spineCrossing[x])
                cw.input.spine.push_back(local);
            cw.input.boxes.emplace_back(kPort, kPort);
        }
    }
    for (int x : order) {
        for (int c = crossings[x].first; c < crossings[x].last; ++c) {
            ChunkWork& cw = p.chunks[c];
            const int local = static_cast<int>(cw.input.boxes.size());
            cw.exitLocal[x] = local;
            cw.input.sinks.push_back(local);
            if (p.spineCrossing[x])
                cw.input.spine.push_back(local);
            cw.input.boxes.emplace_back(kPort, kPort);
        }
    }
}

/// Dot edges and the pieces of every graph edge.
void addPieces(const LayoutGraph& g, const Crossings& cx, Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int m = static_cast<int>(g.edges.size());
    p.pieces.resize(m);
    for (int e = 0; e < m; ++e) {
        const LayoutEdge& le = g.edges[e];
        const int a = info.chunkOf[le.from], b = info.chunkOf[le.to];
        p.chunks[b].edges.push_back(e);
        std::vector<PieceRef>& pieces = p.pieces[e];
        if (info.stubbed[e]) {
            const int so = p.stubOutOf[e], si = p.stubInOf[e];
            pieces.push_back({a, p.chunks[a].dotEdge(p.localOf[le.from], p.stubLocal[so])});
            pieces.push_back({b, p.chunks[b].dotEdge(p.stubLocal[si], p.localOf[le.to])});
        } else if (a == b) {
            pieces.push_back({a, p.chunks[a].dotEdge(p.localOf[le.from], p.localOf[le.to])});
        } else {
            const int x = cx.ofEdge[e];
            pieces.push_back({a, p.chunks[a].dotEdge(p.localOf[le.from], p.chunks[a].exitLocal.at(x))});
            for (int c = a + 1; c < b; ++c)
                pieces.push_back({c, p.chunks[c].dotEdge(p.chunks[c].entryLocal.at(x), p.chunks[c].exitLocal.at(x))});
            pieces.push_back({b, p.chunks[b].dotEdge(p.chunks[b].entryLocal.at(x), p.localOf[le.to])});
        }
    }
    // Values that pass a chunk without a consumer there still need their lane (entry -> exit).
    for (std::size_t x = 0; x < cx.list.size(); ++x)
        for (int c = cx.list[x].first + 1; c < cx.list[x].last; ++c)
            p.chunks[c].dotEdge(p.chunks[c].entryLocal.at(static_cast<int>(x)),
                                p.chunks[c].exitLocal.at(static_cast<int>(x)));
}

} // namespace

std::vector<std::pair<int, int>> cutRanks(const std::vector<int>& perRank, const std::vector<int>& crossing,
                                          const LayoutOptions& o)
{
    const int ranks = static_cast<int>(perRank.size());
    std::vector<std::pair<int, int>> chunks;
    int start = 0, acc = 0, best = -1, bestCost = INT_MAX;
    for (int r = 0; r < ranks; ++r) {
        acc += perRank[r];
        if (r == ranks - 1) {
            chunks.emplace_back(start, r);
            break;
        }
        if (acc >= o.minChunkNodes) {
            const int cost = crossing[r];
            if (cost <= bestCost) {
                best = r;
                bestCost = cost;
            }
            if (cost <= 1) {
                chunks.emplace_back(start, r);
                start = r + 1;
                acc = 0;
                best = -1;
                bestCost = INT_MAX;
                continue;
            }
        }
        if (acc >= o.maxChunkNodes && best >= 0) {
            chunks.emplace_back(start, best);
            r = best; // resume after the cut
            start = best + 1;
            acc = 0;
            best = -1;
            bestCost = INT_MAX;
        }
    }
    if (chunks.empty())
        chunks.emplace_back(0, std::max(ranks - 1, 0));
    return chunks;
}

Plan makePlan(const LayoutGraph& g, const LayoutOptions& o)
{
    Plan p;
    planChunks(g, o, p.info);
    placeNodesInChunks(g, p);
    const std::vector<char> spineEdge = markSpine(g, p);
    addStubs(g, o, p);
    const Crossings cx = findCrossings(g, spineEdge, p);
    addPorts(cx, p);
    addPieces(g, cx, p);
    for (ChunkWork& cw : p.chunks) {
        cw.input.direction = o.direction;
        cw.input.nodeSep = o.nodeSep;
        cw.input.rankSep = o.rankSep;
        cw.key = cw.input.key();
    }
    return p;
}

} // namespace netfold::layoutplan

namespace netfold {

LayoutPlanInfo planLayout(const LayoutGraph& graph, const LayoutOptions& options)
{
    return layoutplan::makePlan(graph, options).info;
}

} // namespace netfold
