#include "layout/LayoutPlan.h"

#include <algorithm>
#include <climits>

namespace netfold::layoutplan {

int ChunkWork::dotEdge(int a, int b)
{
    const uint64_t key = ((static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b)) + 1;
    if (2 * (input.edges.size() + 1) > dotKeys_.size()) {
        // Grow (and rehash) before the table gets more than half full.
        std::size_t size = 64;
        while (size < 4 * (input.edges.size() + 1))
            size *= 2; // a power of two: the mask below
        std::vector<uint64_t> keys(size, 0);
        std::vector<int> values(keys.size(), -1);
        for (std::size_t i = 0; i < dotKeys_.size(); ++i) {
            if (!dotKeys_[i])
                continue;
            std::size_t h = (dotKeys_[i] * 0x9E3779B97F4A7C15ull >> 20) & (keys.size() - 1);
            while (keys[h])
                h = (h + 1) & (keys.size() - 1);
            keys[h] = dotKeys_[i];
            values[h] = dotValues_[i];
        }
        dotKeys_ = std::move(keys);
        dotValues_ = std::move(values);
    }
    const std::size_t mask = dotKeys_.size() - 1;
    std::size_t h = (key * 0x9E3779B97F4A7C15ull >> 20) & mask;
    while (dotKeys_[h]) {
        if (dotKeys_[h] == key)
            return dotValues_[h];
        h = (h + 1) & mask;
    }
    const int i = static_cast<int>(input.edges.size());
    input.edges.emplace_back(a, b);
    dotKeys_[h] = key;
    dotValues_[h] = i;
    return i;
}

namespace {

/// Successors and predecessors of every node as compressed rows (one allocation each instead of
/// two vectors per node).
struct Adjacency {
    std::vector<int> succStart, succ, predStart, pred;
};

Adjacency adjacency(const LayoutGraph& g)
{
    const int n = static_cast<int>(g.nodes.size());
    Adjacency a;
    a.succStart.assign(n + 1, 0);
    a.predStart.assign(n + 1, 0);
    for (const LayoutEdge& e : g.edges) {
        ++a.succStart[e.from + 1];
        ++a.predStart[e.to + 1];
    }
    for (int v = 0; v < n; ++v) {
        a.succStart[v + 1] += a.succStart[v];
        a.predStart[v + 1] += a.predStart[v];
    }
    a.succ.resize(g.edges.size());
    a.pred.resize(g.edges.size());
    std::vector<int> si(a.succStart.begin(), a.succStart.end() - 1), pi(a.predStart.begin(), a.predStart.end() - 1);
    for (const LayoutEdge& e : g.edges) {
        a.succ[si[e.from]++] = e.to;
        a.pred[pi[e.to]++] = e.from;
    }
    return a;
}

void rankNodes(const LayoutGraph& g, LayoutPlanInfo& info)
{
    const int n = static_cast<int>(g.nodes.size());
    const Adjacency a = adjacency(g);
    // Kahn's order (the builder already emits a topological order; this keeps us robust).
    std::vector<int> indeg(n), order;
    order.reserve(n);
    for (int v = 0; v < n; ++v)
        indeg[v] = a.predStart[v + 1] - a.predStart[v];
    for (int v = 0; v < n; ++v)
        if (indeg[v] == 0)
            order.push_back(v);
    for (std::size_t i = 0; i < order.size(); ++i)
        for (int k = a.succStart[order[i]]; k < a.succStart[order[i] + 1]; ++k)
            if (--indeg[a.succ[k]] == 0)
                order.push_back(a.succ[k]);
    for (int v = 0; v < n; ++v)
        if (indeg[v] > 0)
            order.push_back(v); // cycle: should not happen in a validated graph

    info.rank.assign(n, 0);
    std::vector<char> reached(n, 0);
    for (int v : order) {
        if (g.nodes[v].kind == LayoutNodeKind::Input)
            reached[v] = 1;
        for (int k = a.predStart[v]; k < a.predStart[v + 1]; ++k) {
            const int u = a.pred[k];
            info.rank[v] = std::max(info.rank[v], info.rank[u] + 1);
            reached[v] |= reached[u];
        }
    }
    // Constant sub-chains (no graph input above them) sit just above their first consumer.
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        const int v = *it;
        if (reached[v] || a.succStart[v] == a.succStart[v + 1])
            continue;
        int r = INT_MAX;
        for (int k = a.succStart[v]; k < a.succStart[v + 1]; ++k)
            r = std::min(r, info.rank[a.succ[k]] - 1);
        info.rank[v] = std::max(info.rank[v], r);
    }
}

/// For every edge, the first edge (lowest index) that carries the same value from the same
/// producer: one id per (producer, value) without a map keyed by strings.
std::vector<int> firstEdgeOfValue(const LayoutGraph& g)
{
    const int m = static_cast<int>(g.edges.size());
    std::vector<int> byValue(m);
    for (int e = 0; e < m; ++e)
        byValue[e] = e;
    std::sort(byValue.begin(), byValue.end(), [&](int a, int b) {
        const LayoutEdge& x = g.edges[a];
        const LayoutEdge& y = g.edges[b];
        if (x.from != y.from)
            return x.from < y.from;
        const int c = x.value.compare(y.value);
        return c != 0 ? c < 0 : a < b;
    });
    std::vector<int> first(m);
    for (int i = 0; i < m; ++i) {
        const int e = byValue[i];
        const bool sameAsPrevious = i > 0 && g.edges[byValue[i - 1]].from == g.edges[e].from
                                    && g.edges[byValue[i - 1]].value == g.edges[e].value;
        first[e] = sameAsPrevious ? first[byValue[i - 1]] : e;
    }
    return first;
}

/// Values alive across each boundary (boundary r lies between rank r and r + 1), then cuts.
std::vector<std::pair<int, int>> chunkRanksByCrossings(const LayoutGraph& g, const LayoutOptions& o,
                                                       const LayoutPlanInfo& info, int ranks,
                                                       const std::vector<int>& firstOfValue)
{
    const int n = static_cast<int>(g.nodes.size());
    const int m = static_cast<int>(g.edges.size());
    std::vector<int> perRank(ranks, 0), diff(ranks + 1, 0);
    for (int v = 0; v < n; ++v)
        ++perRank[info.rank[v]];
    // Last rank reading each (producer, value), kept at the value's first edge.
    std::vector<int> lastUse(m, -1);
    for (int e = 0; e < m; ++e) {
        if (info.stubbed[e])
            continue;
        int& last = lastUse[firstOfValue[e]];
        last = std::max({last, 0, info.rank[g.edges[e].to]});
    }
    for (int e = 0; e < m; ++e) {
        if (lastUse[e] < 0)
            continue;
        ++diff[info.rank[g.edges[e].from]];
        --diff[lastUse[e]];
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
void planChunks(const LayoutGraph& g, const LayoutOptions& o, LayoutPlanInfo& info, const std::vector<int>& firstOfValue)
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
    info.chunkRanks = chunked ? chunkRanksByCrossings(g, o, info, ranks, firstOfValue)
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
void addStubs(const LayoutGraph& g, const LayoutOptions& o, const std::vector<int>& firstOfValue, Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int m = static_cast<int>(g.edges.size());
    p.stubOutOf.assign(m, -1);
    p.stubInOf.assign(m, -1);
    std::vector<int> outStub(m, -1); // by the value's first edge
    for (int e = 0; e < m; ++e) {
        if (!info.stubbed[e])
            continue;
        const LayoutEdge& le = g.edges[e];
        int& out = outStub[firstOfValue[e]];
        if (out < 0) {
            LayoutStub s;
            s.outgoing = true;
            s.node = le.from;
            s.value = le.value;
            s.chunk = info.chunkOf[le.from];
            out = static_cast<int>(p.stubs.size());
            p.stubs.push_back(std::move(s));
        }
        LayoutStub& so = p.stubs[out];
        so.peers.push_back(le.to);
        so.edges.push_back(e);
        p.stubOutOf[e] = out;
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

Crossings findCrossings(const LayoutGraph& g, const std::vector<char>& spineEdge, const std::vector<int>& firstOfValue,
                        Plan& p)
{
    const LayoutPlanInfo& info = p.info;
    const int m = static_cast<int>(g.edges.size());
    Crossings cx;
    cx.ofEdge.assign(m, -1);
    std::vector<int> crossingOf(m, -1); // by the value's first edge
    for (int e = 0; e < m; ++e) {
        const LayoutEdge& le = g.edges[e];
        if (info.stubbed[e] || info.chunkOf[le.from] == info.chunkOf[le.to])
            continue;
        int& x = crossingOf[firstOfValue[e]];
        if (x < 0) {
            x = static_cast<int>(cx.list.size());
            cx.list.push_back({le.from, info.chunkOf[le.from], info.chunkOf[le.to]});
        }
        Crossing& cr = cx.list[x];
        cr.last = std::max(cr.last, info.chunkOf[le.to]);
        cx.ofEdge[e] = x;
        p.spineCrossing.resize(cx.list.size(), 0);
        if (spineEdge[e])
            p.spineCrossing[x] = 1;
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
    p.pieceStart.assign(m + 1, 0);
    p.pieceRefs.reserve(m);
    std::vector<PieceRef>& pieces = p.pieceRefs;
    for (int e = 0; e < m; ++e) {
        const LayoutEdge& le = g.edges[e];
        const int a = info.chunkOf[le.from], b = info.chunkOf[le.to];
        p.chunks[b].edges.push_back(e);
        p.pieceStart[e] = static_cast<int>(pieces.size());
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
    p.pieceStart[m] = static_cast<int>(pieces.size());
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
    const std::vector<int> firstOfValue = firstEdgeOfValue(g);
    planChunks(g, o, p.info, firstOfValue);
    placeNodesInChunks(g, p);
    const std::vector<char> spineEdge = markSpine(g, p);
    addStubs(g, o, firstOfValue, p);
    const Crossings cx = findCrossings(g, spineEdge, firstOfValue, p);
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
