#include "layout/LayoutEngine.h"

#include "layout/ChunkStacker.h"
#include "layout/DotWorkers.h"
#include "layout/LayoutCache.h"
#include "layout/LayoutPlan.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
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

LayoutPoint lerp(LayoutPoint a, LayoutPoint b, double t) { return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t}; }

using Clock = std::chrono::steady_clock;
double msSince(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

using layoutplan::ChunkWork;
using layoutplan::Plan;

/// One layoutGraph() call: unique chunk contents become jobs (repeated blocks are laid out
/// once); cached jobs are done at once; the rest run on in-process threads and forked worker
/// processes; every finished job stacks all chunks that can now be placed, in order.
class LayoutRun {
public:
    LayoutRun(const LayoutGraph& g, const LayoutOptions& o, const LayoutCallbacks& cb, LayoutResult& res)
        : o_(o), cb_(cb), res_(res), plan_(layoutplan::makePlan(g, o)),
          stacker_(plan_, o, res, [this](int c) -> const DotOutput& { return *jobs_[plan_.chunks[c].job].out; })
    {
    }

    void run(Clock::time_point t0);

private:
    struct Job {
        int chunk;
        std::shared_ptr<const DotOutput> out;
        bool hit = false;
    };

    void makeJobs();
    bool cancelled() const { return failed_.load() || (cb_.cancel && cb_.cancel->load()); }
    void deliver(int j, std::shared_ptr<const DotOutput> out, bool hit);
    void emitChunk(int c);
    void fail(const std::string& message);
    void runJob(int j);
    void threadWorker();
    void startProcesses(const std::vector<int>& todo);
    void readProcess(dotworkers::ChildWorker& child);

    const LayoutOptions& o_;
    const LayoutCallbacks& cb_;
    LayoutResult& res_;
    Plan plan_;
    layoutplan::ChunkStacker stacker_;
    std::vector<Job> jobs_;

    std::mutex stackMutex_; // guards jobs_[].out, placed_, dotMs_, hits_, res_ while stacking
    int placed_ = 0;
    double dotMs_ = 0;
    int hits_ = 0;
    std::atomic<bool> failed_{false};

    std::mutex queueMutex_; // guards queue_ and openProcesses_
    std::condition_variable queueChanged_;
    std::deque<int> queue_;
    int openProcesses_ = 0;
    std::vector<dotworkers::ChildWorker> children_;
};

void LayoutRun::makeJobs()
{
    const int chunkCount = static_cast<int>(plan_.chunks.size());
    res_.chunkOf = plan_.info.chunkOf;
    res_.stubs = plan_.stubs;
    res_.chunks.resize(chunkCount);
    res_.stats.chunks = chunkCount;
    for (std::size_t e = 0; e < plan_.info.stubbed.size(); ++e)
        res_.stats.stubbedEdges += plan_.info.stubbed[e] ? 1 : 0;
    std::unordered_map<std::string, int> jobOf;
    for (int c = 0; c < chunkCount; ++c) {
        ChunkWork& cw = plan_.chunks[c];
        auto it = o_.cache ? jobOf.find(cw.key) : jobOf.end();
        if (it == jobOf.end()) {
            it = jobOf.insert_or_assign(cw.key, static_cast<int>(jobs_.size())).first;
            jobs_.push_back({c, nullptr, false});
        }
        cw.job = it->second;
        LayoutChunk& info = res_.chunks[c];
        info.firstRank = cw.firstRank;
        info.lastRank = cw.lastRank;
        info.nodes = cw.nodes;
        info.edges = cw.edges;
        info.stubs = cw.stubs;
        info.key = std::hash<std::string>()(cw.key);
        res_.stats.maxChunkNodes = std::max(res_.stats.maxChunkNodes, static_cast<int>(cw.nodes.size()));
    }
}

void LayoutRun::emitChunk(int c)
{
    if (!cb_.chunkReady)
        return;
    LayoutChunkUpdate up;
    up.chunk = c;
    up.chunkCount = static_cast<int>(plan_.chunks.size());
    up.info = res_.chunks[c];
    for (int v : res_.chunks[c].nodes)
        up.nodes.emplace_back(v, res_.nodes[v]);
    for (int e : res_.chunks[c].edges)
        up.edges.emplace_back(e, res_.edges[e]);
    for (int s : res_.chunks[c].stubs)
        up.stubs.emplace_back(s, res_.stubs[s]);
    cb_.chunkReady(up);
}

void LayoutRun::deliver(int j, std::shared_ptr<const DotOutput> out, bool hit)
{
    std::lock_guard<std::mutex> lock(stackMutex_);
    if (jobs_[j].out)
        return;
    jobs_[j].out = std::move(out);
    jobs_[j].hit = hit;
    if (hit)
        ++hits_;
    else
        dotMs_ += jobs_[j].out->ms;
    const int chunkCount = static_cast<int>(plan_.chunks.size());
    while (placed_ < chunkCount && jobs_[plan_.chunks[placed_].job].out) {
        stacker_.place(placed_);
        const Job& done = jobs_[plan_.chunks[placed_].job];
        res_.chunks[placed_].cached = done.hit || done.chunk != placed_;
        emitChunk(placed_);
        ++placed_;
        if (cb_.progress)
            cb_.progress(placed_, chunkCount);
    }
}

void LayoutRun::fail(const std::string& message)
{
    std::lock_guard<std::mutex> lock(stackMutex_);
    if (res_.error.empty())
        res_.error = message;
    failed_ = true;
}

void LayoutRun::runJob(int j)
{
    const ChunkWork& cw = plan_.chunks[jobs_[j].chunk];
    try {
        auto out = std::make_shared<const DotOutput>(runDot(cw.input));
        if (o_.cache)
            layoutcache::insert(cw.key, out);
        deliver(j, std::move(out), false);
    } catch (const std::exception& ex) {
        fail(ex.what());
    }
}

/// In-process workers take jobs from the queue; worker processes may hand jobs back to it if
/// they die, so the queue stays open until they are all done.
void LayoutRun::threadWorker()
{
    for (;;) {
        int j = -1;
        {
            std::unique_lock<std::mutex> lock(queueMutex_);
            queueChanged_.wait(lock, [&] { return !queue_.empty() || openProcesses_ == 0 || cancelled(); });
            if (cancelled() || queue_.empty())
                return;
            j = queue_.front();
            queue_.pop_front();
        }
        runJob(j);
    }
}

void LayoutRun::readProcess(dotworkers::ChildWorker& child)
{
    std::vector<char> delivered(jobs_.size(), 0);
    dotworkers::readWorker(child, [&](int j, DotOutput&& out) {
        if (j < 0 || j >= static_cast<int>(jobs_.size()))
            return;
        delivered[j] = 1;
        auto shared = std::make_shared<const DotOutput>(std::move(out));
        if (o_.cache)
            layoutcache::insert(plan_.chunks[jobs_[j].chunk].key, shared);
        deliver(j, std::move(shared), false);
    }, [&] { return cancelled(); });
    // Whatever the worker did not deliver (it died, or Graphviz failed there) is laid out here.
    std::lock_guard<std::mutex> lock(queueMutex_);
    for (int j : child.jobs)
        if (!delivered[j])
            queue_.push_back(j);
    --openProcesses_;
    queueChanged_.notify_all();
}

/// Forks worker processes that take every k-th job when there are enough jobs; the rest (and
/// the shares of workers that could not start) go to the in-process queue.
void LayoutRun::startProcesses(const std::vector<int>& todo)
{
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int processes = static_cast<int>(todo.size()) >= o_.minJobsForProcesses ? std::min(o_.processes, cores) - 1 : 0;
    if (processes <= 0) {
        queue_.assign(todo.begin(), todo.end());
        return;
    }
    std::vector<std::vector<int>> share(processes + 1);
    for (std::size_t i = 0; i < todo.size(); ++i)
        share[i % share.size()].push_back(todo[i]);
    for (int k = 1; k <= processes; ++k) {
        dotworkers::ChildWorker child = dotworkers::forkWorker(
            share[k], [&](int j) -> const DotInput& { return plan_.chunks[jobs_[j].chunk].input; });
        if (child.pid <= 0) {
            share[0].insert(share[0].end(), share[k].begin(), share[k].end());
            continue;
        }
        children_.push_back(std::move(child));
    }
    std::sort(share[0].begin(), share[0].end());
    queue_.assign(share[0].begin(), share[0].end());
    openProcesses_ = static_cast<int>(children_.size());
}

void LayoutRun::run(Clock::time_point t0)
{
    makeJobs();
    res_.stats.planMs = msSince(t0);

    std::vector<int> todo;
    for (int j = 0; j < static_cast<int>(jobs_.size()); ++j) {
        std::shared_ptr<const DotOutput> out = o_.cache ? layoutcache::find(plan_.chunks[jobs_[j].chunk].key) : nullptr;
        if (out)
            deliver(j, std::move(out), true);
        else
            todo.push_back(j);
    }
    startProcesses(todo);
    res_.stats.processes = static_cast<int>(children_.size());
    std::vector<std::thread> readers;
    for (dotworkers::ChildWorker& child : children_)
        readers.emplace_back([this, c = &child] { readProcess(*c); });

    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int threads = o_.threads > 0 ? o_.threads : std::min(4, cores);
    threads = std::max(1, std::min(threads, static_cast<int>(queue_.size()) + static_cast<int>(children_.size())));
    std::vector<std::thread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back([this] { threadWorker(); });
    threadWorker();
    for (std::thread& t : pool)
        t.join();
    for (std::thread& t : readers)
        t.join();
    for (dotworkers::ChildWorker& child : children_)
        dotworkers::reapWorker(child, cancelled());

    res_.cancelled = placed_ < static_cast<int>(plan_.chunks.size()) && res_.error.empty();
    res_.stats.cacheHits = hits_;
    res_.stats.dotMs = dotMs_;
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

LayoutResult layoutGraph(const LayoutGraph& g, const LayoutOptions& o, const LayoutCallbacks& cb)
{
    const auto t0 = Clock::now();
    LayoutResult res;
    res.nodes.resize(g.nodes.size());
    res.edges.resize(g.edges.size());
    if (g.nodes.empty())
        return res;
    LayoutRun run(g, o, cb, res);
    run.run(t0);
    res.stats.totalMs = msSince(t0);
    return res;
}

} // namespace netfold
