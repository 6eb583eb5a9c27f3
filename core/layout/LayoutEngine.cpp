#include "LayoutEngine.h"

#include "DotLayout.h"

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <functional>
#include <sys/wait.h>
#include <unistd.h>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace netfold {

int defaultProcesses()
{
    static const int n = [] {
        const char* env = std::getenv("NETFOLD_LAYOUT_PROCESSES");
        return env && *env ? std::max(1, std::atoi(env)) : 4;
    }();
    return n;
}

LayoutRect LayoutRect::united(const LayoutRect& o) const
{
    if (w <= 0 && h <= 0)
        return o;
    if (o.w <= 0 && o.h <= 0)
        return *this;
    const double l = std::min(x, o.x), t = std::min(y, o.y);
    return {l, t, std::max(right(), o.right()) - l, std::max(bottom(), o.bottom()) - t};
}

namespace {

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// ---- the process-wide cache of chunk layouts ----
constexpr std::size_t kCacheLimit = 8192;
std::mutex g_cacheMutex;
using LayoutCache = std::unordered_map<std::string, std::shared_ptr<const DotOutput>>;

/// Guarded by g_cacheMutex. Never destroyed: a layout worker may still finish a chunk while
/// exit() runs static destructors.
LayoutCache& cache()
{
    static auto* c = new LayoutCache;
    return *c;
}

std::shared_ptr<const DotOutput> cacheFind(const std::string& key)
{
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    auto it = cache().find(key);
    return it == cache().end() ? nullptr : it->second;
}

void cacheInsert(const std::string& key, std::shared_ptr<const DotOutput> out)
{
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    if (cache().size() >= kCacheLimit)
        cache().clear();
    cache().emplace(key, std::move(out));
}

// ---- the plan ----

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
    std::map<std::pair<int, int>, int> dotEdgeOf;
    std::string key;
    int job = -1;

    int dotEdge(int a, int b)
    {
        auto it = dotEdgeOf.find({a, b});
        if (it != dotEdgeOf.end())
            return it->second;
        const int i = static_cast<int>(input.edges.size());
        input.edges.emplace_back(a, b);
        dotEdgeOf.emplace(std::make_pair(a, b), i);
        return i;
    }
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
    std::vector<std::vector<PieceRef>> pieces; // per edge
};

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

/// Greedy cuts: close a chunk at the first boundary crossed by at most one value once it has
/// minChunkNodes, or at the cheapest boundary seen once it reaches maxChunkNodes.
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
    LayoutPlanInfo& info = p.info;
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

    // Values alive across each boundary (boundary r lies between rank r and r + 1).
    if (chunked) {
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
        info.chunkRanks = cutRanks(perRank, crossing, o);
    } else {
        info.chunkRanks = {{0, std::max(ranks - 1, 0)}};
    }
    std::vector<int> chunkOfRank(std::max(ranks, 1), 0);
    for (std::size_t c = 0; c < info.chunkRanks.size(); ++c)
        for (int r = info.chunkRanks[c].first; r <= info.chunkRanks[c].second; ++r)
            chunkOfRank[r] = static_cast<int>(c);
    info.chunkOf.resize(n);
    for (int v = 0; v < n; ++v)
        info.chunkOf[v] = chunkOfRank[info.rank[v]];

    const int chunkCount = static_cast<int>(info.chunkRanks.size());
    p.chunks.resize(chunkCount);
    for (int c = 0; c < chunkCount; ++c) {
        p.chunks[c].firstRank = info.chunkRanks[c].first;
        p.chunks[c].lastRank = info.chunkRanks[c].second;
    }
    // Nodes of each chunk, ordered by rank then index (stable for the content key).
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

    // The main path: from the first graph output up through every node's first input (edges are
    // emitted in input order, so that is the data input: Reshape's data, Add's left operand).
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

    // Stubs: one outgoing per (producer, value), one incoming per stubbed edge.
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

    // Values crossing chunk boundaries: ports at the bottom of the producer's chunk, at both
    // ends of every chunk passed through, at the top of each consumer's chunk.
    struct Crossing {
        int producer;
        int first;
        int last;
    };
    std::vector<Crossing> crossings;
    std::map<std::pair<int, std::string>, int> crossingOf;
    std::vector<int> edgeCrossing(m, -1);
    for (int e = 0; e < m; ++e) {
        const LayoutEdge& le = g.edges[e];
        if (info.stubbed[e] || info.chunkOf[le.from] == info.chunkOf[le.to])
            continue;
        auto it = crossingOf.find({le.from, le.value});
        if (it == crossingOf.end()) {
            it = crossingOf.emplace(std::make_pair(le.from, le.value), static_cast<int>(crossings.size())).first;
            crossings.push_back({le.from, info.chunkOf[le.from], info.chunkOf[le.to]});
        }
        Crossing& cr = crossings[it->second];
        cr.last = std::max(cr.last, info.chunkOf[le.to]);
        edgeCrossing[e] = it->second;
        p.spineCrossing.resize(crossings.size(), 0);
        if (spineEdge[e])
            p.spineCrossing[it->second] = 1;
    }
    // Ports in a stable order: by producer, then crossing id.
    std::vector<int> crossingOrder(crossings.size());
    for (std::size_t i = 0; i < crossings.size(); ++i)
        crossingOrder[i] = static_cast<int>(i);
    std::stable_sort(crossingOrder.begin(), crossingOrder.end(),
                     [&](int a, int b) { return crossings[a].producer < crossings[b].producer; });
    constexpr double kPort = 2.0;
    for (int x : crossingOrder) {
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
    for (int x : crossingOrder) {
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

    // Dot edges and the pieces of every graph edge.
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
            const int x = edgeCrossing[e];
            pieces.push_back({a, p.chunks[a].dotEdge(p.localOf[le.from], p.chunks[a].exitLocal.at(x))});
            for (int c = a + 1; c < b; ++c)
                pieces.push_back({c, p.chunks[c].dotEdge(p.chunks[c].entryLocal.at(x), p.chunks[c].exitLocal.at(x))});
            pieces.push_back({b, p.chunks[b].dotEdge(p.chunks[b].entryLocal.at(x), p.localOf[le.to])});
        }
    }
    // Values that pass a chunk without a consumer there still need their lane (entry -> exit).
    for (std::size_t x = 0; x < crossings.size(); ++x)
        for (int c = crossings[x].first + 1; c < crossings[x].last; ++c)
            p.chunks[c].dotEdge(p.chunks[c].entryLocal.at(static_cast<int>(x)),
                                p.chunks[c].exitLocal.at(static_cast<int>(x)));

    for (ChunkWork& cw : p.chunks) {
        cw.input.direction = o.direction;
        cw.input.nodeSep = o.nodeSep;
        cw.input.rankSep = o.rankSep;
        cw.key = cw.input.key();
    }
    return p;
}

LayoutPoint lerp(LayoutPoint a, LayoutPoint b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

std::vector<LayoutPoint> labelSpots(const std::vector<LayoutPoint>& piece);


// ---- worker processes ----

struct ChildWorker {
    pid_t pid = -1;
    int fd = -1;
    std::vector<int> jobs;
};

bool writeAll(int fd, const char* data, std::size_t size)
{
    while (size > 0) {
        const ssize_t n = ::write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<std::size_t>(n);
    }
    return true;
}

/// Forks a process that lays out the given jobs and writes one frame per job to a pipe:
/// int32 job, uint32 byte count, the serialised DotOutput. Returns pid -1 when fork fails.
ChildWorker forkWorker(const std::vector<int>& jobs, const std::function<const DotInput&(int)>& input)
{
    ChildWorker w;
    w.jobs = jobs;
    int fds[2];
    if (jobs.empty() || ::pipe2(fds, O_CLOEXEC) != 0)
        return w;
    pid_t pid;
    {
        // Nobody may be inside Graphviz (or hold its lock) when the child's copy is made.
        std::lock_guard<std::mutex> lock(graphvizMutex());
        prepareGraphvizForFork();
        pid = ::fork();
    }
    if (pid == 0) {
        // The child: one thread, a copy of the parent's memory. It only runs dot and writes.
        ::close(fds[0]);
        int status = 0;
        try {
            std::string frame;
            for (int j : jobs) {
                const DotOutput out = runDotInForkedChild(input(j));
                frame.clear();
                const int32_t job = j;
                frame.append(reinterpret_cast<const char*>(&job), sizeof job);
                frame.append(4, '\0');
                appendDotOutput(frame, out);
                const uint32_t size = static_cast<uint32_t>(frame.size() - 8);
                std::memcpy(&frame[4], &size, sizeof size);
                if (!writeAll(fds[1], frame.data(), frame.size()))
                    break;
            }
        } catch (...) {
            status = 1;
        }
        ::_exit(status);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return w;
    }
    w.pid = pid;
    w.fd = fds[0];
    return w;
}

/// Reads a worker's frames until it closes the pipe (or cancel() says stop).
void readWorker(ChildWorker& w, const std::function<void(int, DotOutput&&)>& onJob, const std::function<bool()>& cancel)
{
    std::string buf;
    char chunk[65536];
    for (;;) {
        if (cancel()) {
            ::kill(w.pid, SIGKILL);
            break;
        }
        const ssize_t n = ::read(w.fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        buf.append(chunk, static_cast<std::size_t>(n));
        std::size_t at = 0;
        while (buf.size() - at >= 8) {
            int32_t job;
            uint32_t size;
            std::memcpy(&job, buf.data() + at, 4);
            std::memcpy(&size, buf.data() + at + 4, 4);
            if (buf.size() - at - 8 < size)
                break;
            DotOutput out;
            const char* p = buf.data() + at + 8;
            if (readDotOutput(p, p + size, out))
                onJob(job, std::move(out));
            at += 8 + size;
        }
        buf.erase(0, at);
    }
    ::close(w.fd);
    w.fd = -1;
}

void reapWorker(ChildWorker& w, bool kill)
{
    if (w.pid <= 0)
        return;
    if (kill)
        ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    w.pid = -1;
}

} // namespace

LayoutPoint bezierPoint(const std::vector<LayoutPoint>& pts, double t)
{
    if (pts.empty())
        return {};
    if (pts.size() < 4)
        return pts.front();
    const std::size_t segments = (pts.size() - 1) / 3;
    double s = std::clamp(t, 0.0, 1.0) * static_cast<double>(segments);
    std::size_t i = std::min(static_cast<std::size_t>(s), segments - 1);
    const double u = s - static_cast<double>(i);
    const LayoutPoint& p0 = pts[3 * i];
    const LayoutPoint& p1 = pts[3 * i + 1];
    const LayoutPoint& p2 = pts[3 * i + 2];
    const LayoutPoint& p3 = pts[3 * i + 3];
    const LayoutPoint a = lerp(p0, p1, u), b = lerp(p1, p2, u), c = lerp(p2, p3, u);
    return lerp(lerp(a, b, u), lerp(b, c, u), u);
}

namespace {
std::vector<LayoutPoint> labelSpots(const std::vector<LayoutPoint>& piece)
{
    std::vector<LayoutPoint> spots;
    for (double t : {0.5, 0.35, 0.65, 0.2, 0.8})
        spots.push_back(bezierPoint(piece, t));
    return spots;
}
} // namespace

LayoutPlanInfo planLayout(const LayoutGraph& graph, const LayoutOptions& options)
{
    return makePlan(graph, options).info;
}

void clearLayoutCache()
{
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    cache().clear();
}

std::size_t layoutCacheSize()
{
    std::lock_guard<std::mutex> lock(g_cacheMutex);
    return cache().size();
}

LayoutResult layoutGraph(const LayoutGraph& g, const LayoutOptions& o, const LayoutCallbacks& cb)
{
    const auto t0 = Clock::now();
    LayoutResult res;
    const int n = static_cast<int>(g.nodes.size());
    const int m = static_cast<int>(g.edges.size());
    res.nodes.resize(n);
    res.edges.resize(m);
    if (n == 0)
        return res;

    Plan plan = makePlan(g, o);
    const int chunkCount = static_cast<int>(plan.chunks.size());
    res.chunkOf = plan.info.chunkOf;
    res.stubs = plan.stubs;
    res.chunks.resize(chunkCount);
    res.stats.chunks = chunkCount;
    for (std::size_t e = 0; e < plan.info.stubbed.size(); ++e)
        res.stats.stubbedEdges += plan.info.stubbed[e] ? 1 : 0;

    // Unique chunk contents become jobs (repeated blocks are laid out once).
    struct Job {
        int chunk;
        std::shared_ptr<const DotOutput> out;
        bool hit = false;
    };
    std::vector<Job> jobs;
    {
        std::unordered_map<std::string, int> jobOf;
        for (int c = 0; c < chunkCount; ++c) {
            ChunkWork& cw = plan.chunks[c];
            auto it = o.cache ? jobOf.find(cw.key) : jobOf.end();
            if (it == jobOf.end()) {
                it = jobOf.insert_or_assign(cw.key, static_cast<int>(jobs.size())).first;
                jobs.push_back({c, nullptr, false});
            }
            cw.job = it->second;
            LayoutChunk& info = res.chunks[c];
            info.firstRank = cw.firstRank;
            info.lastRank = cw.lastRank;
            info.nodes = cw.nodes;
            info.edges = cw.edges;
            info.stubs = cw.stubs;
            info.key = std::hash<std::string>()(cw.key);
            res.stats.maxChunkNodes = std::max(res.stats.maxChunkNodes, static_cast<int>(cw.nodes.size()));
        }
    }
    res.stats.planMs = msSince(t0);

    const bool tb = o.direction == LayoutOptions::Direction::TopToBottom;
    std::mutex stackMutex;
    int placed = 0;
    std::vector<LayoutPoint> offset(chunkCount);
    std::atomic<bool> failed{false};
    double dotMs = 0;
    int hits = 0;

    auto cancelled = [&] { return failed.load() || (cb.cancel && cb.cancel->load()); };

    // Moves a chunk-local spline to scene coordinates.
    auto scenePiece = [&](const PieceRef& ref) {
        std::vector<LayoutPoint> pts = jobs[plan.chunks[ref.chunk].job].out->splines[ref.dotEdge];
        for (LayoutPoint& q : pts) {
            q.x += offset[ref.chunk].x;
            q.y += offset[ref.chunk].y;
        }
        return pts;
    };

    auto placeChunk = [&](int c) {
        const ChunkWork& cw = plan.chunks[c];
        const DotOutput& out = *jobs[cw.job].out;
        LayoutPoint off{0, 0};
        if (c > 0) {
            const ChunkWork& prev = plan.chunks[c - 1];
            const DotOutput& pout = *jobs[prev.job].out;
            const LayoutRect& pb = res.chunks[c - 1].bounds;
            // Align the main path's ports if it crosses here, else the median port.
            std::vector<double> diffs;
            for (const auto& [x, local] : cw.entryLocal) {
                auto pe = prev.exitLocal.find(x);
                if (pe == prev.exitLocal.end())
                    continue;
                const LayoutPoint pp = pout.centers[pe->second];
                const LayoutPoint ep = out.centers[local];
                const double d = tb ? offset[c - 1].x + pp.x - ep.x : offset[c - 1].y + pp.y - ep.y;
                if (plan.spineCrossing[x]) {
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
            off = tb ? LayoutPoint{cross, pb.bottom() + o.chunkGap} : LayoutPoint{pb.right() + o.chunkGap, cross};
        }
        offset[c] = off;
        LayoutChunk& info = res.chunks[c];
        info.bounds = {off.x, off.y, out.width, out.height};
        for (std::size_t i = 0; i < cw.nodes.size(); ++i) {
            const int v = cw.nodes[i];
            const auto& box = cw.input.boxes[i];
            const LayoutPoint ctr = out.centers[i];
            res.nodes[v] = {off.x + ctr.x - box.first / 2, off.y + ctr.y - box.second / 2, box.first, box.second};
        }
        for (std::size_t i = 0; i < cw.stubs.size(); ++i) {
            const int local = static_cast<int>(cw.nodes.size() + i);
            const auto& box = cw.input.boxes[local];
            const LayoutPoint ctr = out.centers[local];
            res.stubs[cw.stubs[i]].box = {off.x + ctr.x - box.first / 2, off.y + ctr.y - box.second / 2, box.first,
                                          box.second};
        }
        // Graphviz rounds sizes inside its bounding box: make the bounds hold every box exactly.
        for (int v : cw.nodes)
            info.bounds = info.bounds.united(res.nodes[v]);
        for (int st : cw.stubs)
            info.bounds = info.bounds.united(res.stubs[st].box);
        const double half = o.chunkGap / 2;
        for (int e : cw.edges) {
            EdgeGeometry& eg = res.edges[e];
            eg.chunk = c;
            const std::vector<PieceRef>& refs = plan.pieces[e];
            if (plan.info.stubbed[e]) {
                eg.stubbed = true;
                eg.stubOut = plan.stubOutOf[e];
                eg.stubIn = plan.stubInOf[e];
                eg.pieces = {scenePiece(refs[0]), scenePiece(refs[1])};
                eg.labelPos = bezierPoint(eg.pieces[1], 0.5);
                eg.labelSpots = labelSpots(eg.pieces[1]);
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
                    // Connector across the gap between stacked chunks, leaving and entering
                    // along the rank direction.
                    const LayoutPoint a = path.back(), z = piece.front();
                    if (tb) {
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
            eg.pieces = {std::move(path)};
        }
        res.bounds = res.bounds.united(info.bounds);
    };

    auto emitChunk = [&](int c) {
        if (!cb.chunkReady)
            return;
        LayoutChunkUpdate up;
        up.chunk = c;
        up.chunkCount = chunkCount;
        up.info = res.chunks[c];
        for (int v : res.chunks[c].nodes)
            up.nodes.emplace_back(v, res.nodes[v]);
        for (int e : res.chunks[c].edges)
            up.edges.emplace_back(e, res.edges[e]);
        for (int s : res.chunks[c].stubs)
            up.stubs.emplace_back(s, res.stubs[s]);
        cb.chunkReady(up);
    };

    // Hands a finished job over: stacks every chunk that can now be placed, in order.
    auto deliver = [&](int j, std::shared_ptr<const DotOutput> out, bool hit) {
        std::lock_guard<std::mutex> lock(stackMutex);
        if (jobs[j].out)
            return;
        jobs[j].out = std::move(out);
        jobs[j].hit = hit;
        if (hit)
            ++hits;
        else
            dotMs += jobs[j].out->ms;
        while (placed < chunkCount && jobs[plan.chunks[placed].job].out) {
            placeChunk(placed);
            const Job& done = jobs[plan.chunks[placed].job];
            res.chunks[placed].cached = done.hit || done.chunk != placed;
            emitChunk(placed);
            ++placed;
            if (cb.progress)
                cb.progress(placed, chunkCount);
        }
    };
    auto fail = [&](const std::string& message) {
        std::lock_guard<std::mutex> lock(stackMutex);
        if (res.error.empty())
            res.error = message;
        failed = true;
    };

    // Cached jobs are done at once; the others form the work list, in chunk order.
    std::vector<int> todo;
    for (int j = 0; j < static_cast<int>(jobs.size()); ++j) {
        std::shared_ptr<const DotOutput> out = o.cache ? cacheFind(plan.chunks[jobs[j].chunk].key) : nullptr;
        if (out)
            deliver(j, std::move(out), true);
        else
            todo.push_back(j);
    }

    // In-process workers take jobs from a queue; worker processes (below) may hand jobs back to
    // it if they die, so the queue stays open until they are all done.
    std::mutex queueMutex;
    std::condition_variable queueChanged;
    std::deque<int> queue;
    int openProcesses = 0;
    auto runJob = [&](int j) {
        const ChunkWork& cw = plan.chunks[jobs[j].chunk];
        try {
            auto out = std::make_shared<const DotOutput>(runDot(cw.input));
            if (o.cache)
                cacheInsert(cw.key, out);
            deliver(j, std::move(out), false);
        } catch (const std::exception& ex) {
            fail(ex.what());
        }
    };
    auto worker = [&] {
        for (;;) {
            int j = -1;
            {
                std::unique_lock<std::mutex> lock(queueMutex);
                queueChanged.wait(lock, [&] { return !queue.empty() || openProcesses == 0 || cancelled(); });
                if (cancelled() || queue.empty())
                    return;
                j = queue.front();
                queue.pop_front();
            }
            runJob(j);
        }
    };

    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int processes = static_cast<int>(todo.size()) >= o.minJobsForProcesses ? std::min(o.processes, cores) - 1 : 0;
    std::vector<ChildWorker> children;
    std::vector<std::thread> readers;
    if (processes > 0) {
        // Graphviz cannot run twice in one process, but it can in two: fork workers that inherit
        // the plan, lay out every k-th job and stream the results back through a pipe.
        std::vector<std::vector<int>> share(processes + 1);
        for (std::size_t i = 0; i < todo.size(); ++i)
            share[i % share.size()].push_back(todo[i]);
        for (int k = 1; k <= processes; ++k) {
            ChildWorker child = forkWorker(share[k], [&](int j) -> const DotInput& { return plan.chunks[jobs[j].chunk].input; });
            if (child.pid <= 0) {
                share[0].insert(share[0].end(), share[k].begin(), share[k].end());
                continue;
            }
            children.push_back(std::move(child));
        }
        std::sort(share[0].begin(), share[0].end());
        queue.assign(share[0].begin(), share[0].end());
        openProcesses = static_cast<int>(children.size());
        for (ChildWorker& child : children)
            readers.emplace_back([&, c = &child] {
                std::vector<char> delivered(jobs.size(), 0);
                readWorker(*c, [&](int j, DotOutput&& out) {
                    if (j < 0 || j >= static_cast<int>(jobs.size()))
                        return;
                    delivered[j] = 1;
                    auto shared = std::make_shared<const DotOutput>(std::move(out));
                    if (o.cache)
                        cacheInsert(plan.chunks[jobs[j].chunk].key, shared);
                    deliver(j, std::move(shared), false);
                }, [&] { return cancelled(); });
                // Whatever the worker did not deliver (it died, or Graphviz failed there) is
                // laid out here.
                std::lock_guard<std::mutex> lock(queueMutex);
                for (int j : c->jobs)
                    if (!delivered[j])
                        queue.push_back(j);
                --openProcesses;
                queueChanged.notify_all();
            });
    } else {
        queue.assign(todo.begin(), todo.end());
    }
    res.stats.processes = static_cast<int>(children.size());

    int threads = o.threads > 0 ? o.threads : std::min(4, cores);
    threads = std::max(1, std::min(threads, static_cast<int>(queue.size()) + static_cast<int>(children.size())));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (std::thread& t : pool)
        t.join();
    for (std::thread& t : readers)
        t.join();
    for (ChildWorker& child : children)
        reapWorker(child, cancelled());

    res.cancelled = placed < chunkCount && res.error.empty();
    res.stats.cacheHits = hits;
    res.stats.dotMs = dotMs;
    res.stats.totalMs = msSince(t0);
    return res;
}

} // namespace netfold
