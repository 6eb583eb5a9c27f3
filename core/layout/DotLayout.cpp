#include "layout/DotLayout.h"

#include "util/Error.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <chrono>
#include <dlfcn.h>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>

namespace netfold {

namespace {

std::mutex g_mutex;
int g_created = 0; // guarded by g_mutex

/// Contexts of threads that ended, guarded by g_mutex. Never destroyed: worker threads (Qt's
/// pool among them) may end while exit() is already running static destructors.
std::vector<GVC_t*>& idleContexts()
{
    static auto* idle = new std::vector<GVC_t*>;
    return *idle;
}

/// Each thread that runs dot owns a Graphviz context while it lives; when it ends, the context
/// goes to the next new thread (contexts are never freed, so their number stays at the most
/// threads that ever ran dot at once). The lock still serialises the runs themselves: dot keeps
/// its working state in file-level statics, whatever the context.
struct ThreadContext {
    GVC_t* gvc = nullptr;
    ~ThreadContext()
    {
        if (gvc) {
            std::lock_guard<std::mutex> lock(g_mutex);
            idleContexts().push_back(gvc);
        }
    }
};
thread_local ThreadContext t_context;

/// The calling thread's context; the caller holds g_mutex.
GVC_t* context()
{
    if (!t_context.gvc) {
        if (std::vector<GVC_t*>& idle = idleContexts(); !idle.empty()) {
            t_context.gvc = idle.back();
            idle.pop_back();
        } else {
            if (g_created == 0)
                agseterr(AGMAX); // no warnings on stderr
            t_context.gvc = gvContext();
            ++g_created;
        }
    }
    return t_context.gvc;
}

/// Graphviz 2.4x bug: dot's decompose() marks visited nodes with a global char counter (Cmark)
/// that comes back to 1 every 255 calls. Other passes leave mark 1 (TRUE) on nodes, so a call
/// that gets Cmark == 1 skips them; dot then crashes in its next decompose() (dot_mincross),
/// every few hundred layouts in one process (tst_layout's manyLayoutsInOneProcess). We watch the
/// counter with a one-node graph (decompose() is exported by the dot plugin) and step it past the
/// wrap, so the value 1 only ever lands on that graph. Without the symbol (another Graphviz
/// build) the guard does nothing.
struct CmarkGuard {
    using Decompose = void (*)(Agraph_t*, int);
    bool tried = false;
    Agraph_t* graph = nullptr;
    Agnode_t* node = nullptr;
    Decompose decompose = nullptr;
};
CmarkGuard g_guard; // guarded by g_mutex

void stepPastCmarkWrap(GVC_t* gvc)
{
    if (!g_guard.tried) {
        g_guard.tried = true;
        Agraph_t* g = agopen(const_cast<char*>("netfold_cmark"), Agdirected, nullptr);
        Agnode_t* n = agnode(g, const_cast<char*>("n"), 1);
        // Laying it out loads the dot plugin and binds dot's records to the node; the layout is
        // kept for the life of the process.
        void* plugin = nullptr;
        if (gvLayout(gvc, g, "dot") == 0)
            plugin = dlopen("libgvplugin_dot_layout.so.6", RTLD_NOW | RTLD_NOLOAD);
        auto fn = plugin ? reinterpret_cast<CmarkGuard::Decompose>(dlsym(plugin, "decompose")) : nullptr;
        if (fn) {
            g_guard.graph = g;
            g_guard.node = n;
            g_guard.decompose = fn;
        } else {
            gvFreeLayout(gvc, g);
            agclose(g);
        }
    }
    if (!g_guard.decompose)
        return;
    // Each probe is one decompose() call; its mark is the counter's value. Near the wrap, step
    // through it so the next layout's two calls get small values.
    for (int i = 0; i < 300; ++i) {
        g_guard.decompose(g_guard.graph, 0);
        if (static_cast<unsigned char>(ND_mark(g_guard.node)) < 240)
            break;
    }
}

std::string inches(double points)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4f", std::max(points, 0.01) / 72.0);
    return buf;
}

char* cstr(const char* s) { return const_cast<char*>(s); }

void appendInt(std::string& s, int64_t v) { s.append(reinterpret_cast<const char*>(&v), sizeof v); }

} // namespace

std::mutex& graphvizMutex() { return g_mutex; }

void prepareGraphvizForFork()
{
    // Called under g_mutex just before fork(): the child then finds this thread's context and the
    // guard ready, and touches neither thread-local set-up nor the dynamic loader.
    stepPastCmarkWrap(context());
}

void warmUpGraphviz()
{
    // The first layout of a process loads Graphviz's plugin configuration and the dot plugin
    // (~50 ms): do it early, off the critical path.
    DotInput in;
    in.boxes = {{10, 10}, {10, 10}};
    in.edges = {{0, 1}};
    runDot(in);
}

int graphvizContextCount()
{
    std::lock_guard<std::mutex> lock(g_mutex);
    return g_created;
}

std::string DotInput::key() const
{
    std::string s;
    s.reserve(16 + boxes.size() * 16 + edges.size() * 16 + (sources.size() + sinks.size()) * 8);
    s.push_back(direction == LayoutOptions::Direction::TopToBottom ? 'T' : 'L');
    appendInt(s, std::llround(nodeSep * 100));
    appendInt(s, std::llround(rankSep * 100));
    appendInt(s, static_cast<int64_t>(boxes.size()));
    for (const auto& b : boxes) {
        appendInt(s, std::llround(b.first * 100));
        appendInt(s, std::llround(b.second * 100));
    }
    s.push_back('S');
    for (int v : sources)
        appendInt(s, v);
    s.push_back('K');
    for (int v : sinks)
        appendInt(s, v);
    s.push_back('G');
    for (int v : spine)
        appendInt(s, v);
    s.push_back('E');
    for (const auto& e : edges) {
        appendInt(s, e.first);
        appendInt(s, e.second);
    }
    return s;
}

namespace {
DotOutput runDotUnlocked(const DotInput& in);
}

DotOutput runDot(const DotInput& in)
{
    if (in.boxes.empty())
        return runDotUnlocked(in);
    std::lock_guard<std::mutex> lock(g_mutex);
    return runDotUnlocked(in);
}

DotOutput runDotInForkedChild(const DotInput& in) { return runDotUnlocked(in); }

namespace {
template <class T> void put(std::string& b, T v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); }
template <class T> bool get(const char*& p, const char* end, T& v)
{
    if (end - p < static_cast<std::ptrdiff_t>(sizeof v))
        return false;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return true;
}
} // namespace

void appendDotOutput(std::string& b, const DotOutput& out)
{
    put(b, out.width);
    put(b, out.height);
    put(b, out.ms);
    put(b, static_cast<uint32_t>(out.centers.size()));
    for (const LayoutPoint& c : out.centers) {
        put(b, c.x);
        put(b, c.y);
    }
    put(b, static_cast<uint32_t>(out.splines.size()));
    for (const auto& s : out.splines) {
        put(b, static_cast<uint32_t>(s.size()));
        for (const LayoutPoint& c : s) {
            put(b, c.x);
            put(b, c.y);
        }
    }
}

bool readDotOutput(const char*& p, const char* end, DotOutput& out)
{
    uint32_t n = 0;
    if (!get(p, end, out.width) || !get(p, end, out.height) || !get(p, end, out.ms) || !get(p, end, n))
        return false;
    if (static_cast<std::size_t>(end - p) < std::size_t(n) * 16)
        return false;
    out.centers.resize(n);
    for (LayoutPoint& c : out.centers)
        if (!get(p, end, c.x) || !get(p, end, c.y))
            return false;
    if (!get(p, end, n))
        return false;
    out.splines.assign(n, {});
    for (auto& s : out.splines) {
        uint32_t k = 0;
        if (!get(p, end, k) || static_cast<std::size_t>(end - p) < std::size_t(k) * 16)
            return false;
        s.resize(k);
        for (LayoutPoint& c : s)
            if (!get(p, end, c.x) || !get(p, end, c.y))
                return false;
    }
    return true;
}

namespace {

/// A chunk as a Graphviz graph: fixed-size boxes, the main path in one group, entry ports
/// ranked first and exit ports last; edges[i] is the Graphviz edge of in.edges[i] (nullptr
/// for an edge dot cannot have: out of range or a loop).
struct DotGraph {
    Agraph_t* g = nullptr;
    std::vector<Agnode_t*> nodes;
    std::vector<Agedge_t*> edges;
};

void setGraphAttributes(Agraph_t* g, const DotInput& in)
{
    const bool lr = in.direction == LayoutOptions::Direction::LeftToRight;
    agattr(g, AGRAPH, cstr("rankdir"), cstr(lr ? "LR" : "TB"));
    agattr(g, AGRAPH, cstr("nodesep"), cstr(inches(in.nodeSep).c_str()));
    agattr(g, AGRAPH, cstr("ranksep"), cstr(inches(in.rankSep).c_str()));
    agattr(g, AGRAPH, cstr("splines"), cstr("spline"));
    agattr(g, AGRAPH, cstr("pad"), cstr("0"));
    agattr(g, AGRAPH, cstr("rank"), cstr(""));
    // Network simplex dominates on wide chunks: bound it there (nslimit=0 keeps 5k nodes ~2 s).
    if (in.boxes.size() > 400) {
        const std::string limit = in.boxes.size() > 1500 ? "0.5" : "2";
        agattr(g, AGRAPH, cstr("nslimit"), cstr(limit.c_str()));
        agattr(g, AGRAPH, cstr("nslimit1"), cstr(limit.c_str()));
        agattr(g, AGRAPH, cstr("mclimit"), cstr("0.3"));
        agattr(g, AGRAPH, cstr("searchsize"), cstr("10"));
    }
    agattr(g, AGNODE, cstr("shape"), cstr("box"));
    agattr(g, AGNODE, cstr("fixedsize"), cstr("true"));
    agattr(g, AGNODE, cstr("label"), cstr(""));
    agattr(g, AGNODE, cstr("margin"), cstr("0"));
    agattr(g, AGNODE, cstr("penwidth"), cstr("0"));
    agattr(g, AGEDGE, cstr("arrowhead"), cstr("none"));
    agattr(g, AGEDGE, cstr("arrowtail"), cstr("none"));
}

DotGraph buildDotGraph(const DotInput& in)
{
    DotGraph d;
    const int n = static_cast<int>(in.boxes.size());
    d.g = agopen(cstr("chunk"), Agdirected, nullptr);
    Agraph_t* g = d.g;
    setGraphAttributes(g, in);
    Agsym_t* wsym = agattr(g, AGNODE, cstr("width"), cstr("1"));
    Agsym_t* hsym = agattr(g, AGNODE, cstr("height"), cstr("0.5"));
    Agsym_t* gsym = in.spine.empty() ? nullptr : agattr(g, AGNODE, cstr("group"), cstr(""));

    d.nodes.resize(n);
    char name[32];
    for (int i = 0; i < n; ++i) {
        std::snprintf(name, sizeof name, "n%d", i);
        d.nodes[i] = agnode(g, name, 1);
        agxset(d.nodes[i], wsym, cstr(inches(in.boxes[i].first).c_str()));
        agxset(d.nodes[i], hsym, cstr(inches(in.boxes[i].second).c_str()));
    }
    for (int v : in.spine)
        if (v >= 0 && v < n)
            agxset(d.nodes[v], gsym, cstr("main"));
    auto rankGroup = [&](const char* groupName, const char* rank, const std::vector<int>& members) {
        if (members.empty())
            return;
        Agraph_t* sg = agsubg(g, cstr(groupName), 1);
        agset(sg, cstr("rank"), cstr(rank));
        for (int v : members)
            agsubnode(sg, d.nodes[v], 1);
    };
    rankGroup("ports_in", "source", in.sources);
    rankGroup("ports_out", "sink", in.sinks);

    std::map<std::pair<int, int>, Agedge_t*> made;
    d.edges.assign(in.edges.size(), nullptr);
    for (std::size_t i = 0; i < in.edges.size(); ++i) {
        const auto& e = in.edges[i];
        if (e.first < 0 || e.first >= n || e.second < 0 || e.second >= n || e.first == e.second)
            continue;
        auto it = made.find(e);
        if (it == made.end())
            it = made.emplace(e, agedge(g, d.nodes[e.first], d.nodes[e.second], nullptr, 1)).first;
        d.edges[i] = it->second;
    }
    return d;
}

/// An edge's spline as one cubic Bézier point list (1 + 3k points), in chunk coordinates; a
/// straight segment between the centres when dot gave nothing usable.
std::vector<LayoutPoint> edgePoints(Agedge_t* e, const std::vector<LayoutPoint>& centers, std::pair<int, int> ends,
                                    const std::function<LayoutPoint(pointf)>& tr)
{
    std::vector<LayoutPoint> pts;
    const splines* spl = e ? ED_spl(e) : nullptr;
    if (spl && spl->size > 0) {
        // Without concentrate=true dot gives one Bézier per edge.
        const bezier& bz = spl->list[0];
        auto lineTo = [&pts](LayoutPoint t) {
            const LayoutPoint l = pts.back();
            pts.push_back({l.x + (t.x - l.x) / 3, l.y + (t.y - l.y) / 3});
            pts.push_back({l.x + 2 * (t.x - l.x) / 3, l.y + 2 * (t.y - l.y) / 3});
            pts.push_back(t);
        };
        if (bz.sflag && bz.size > 0) {
            pts.push_back(tr(bz.sp));
            lineTo(tr(bz.list[0]));
        } else if (bz.size > 0) {
            pts.push_back(tr(bz.list[0]));
        }
        for (int k = 1; k < bz.size; ++k)
            pts.push_back(tr(bz.list[k]));
        if (bz.eflag && !pts.empty())
            lineTo(tr(bz.ep));
    }
    if (pts.size() < 4 || (pts.size() - 1) % 3 != 0) {
        if (!e)
            return {};
        const LayoutPoint from = centers[ends.first], to = centers[ends.second];
        pts = {from, {from.x + (to.x - from.x) / 3, from.y + (to.y - from.y) / 3},
               {from.x + 2 * (to.x - from.x) / 3, from.y + 2 * (to.y - from.y) / 3}, to};
    }
    return pts;
}

/// Centres and splines of a laid-out chunk, with the origin at the top left of its bounding box.
void readLayout(const DotGraph& d, const DotInput& in, DotOutput& out)
{
    const boxf bb = GD_bb(d.g);
    const std::function<LayoutPoint(pointf)> tr = [&](pointf p) { return LayoutPoint{p.x - bb.LL.x, bb.UR.y - p.y}; };
    out.width = bb.UR.x - bb.LL.x;
    out.height = bb.UR.y - bb.LL.y;
    for (std::size_t i = 0; i < d.nodes.size(); ++i)
        out.centers[i] = tr(ND_coord(d.nodes[i]));
    for (std::size_t i = 0; i < d.edges.size(); ++i)
        out.splines[i] = edgePoints(d.edges[i], out.centers, in.edges[i], tr);
}

DotOutput runDotUnlocked(const DotInput& in)
{
    DotOutput out;
    const int n = static_cast<int>(in.boxes.size());
    out.centers.resize(n);
    out.splines.resize(in.edges.size());
    if (n == 0)
        return out;

    const auto t0 = std::chrono::steady_clock::now();
    GVC_t* gvc = context();
    stepPastCmarkWrap(gvc);
    const DotGraph d = buildDotGraph(in);
    if (gvLayout(gvc, d.g, "dot") != 0) {
        agclose(d.g);
        throw Error("Graphviz could not lay out a chunk of " + std::to_string(n) + " nodes.");
    }
    readLayout(d, in, out);
    gvFreeLayout(gvc, d.g);
    agclose(d.g);
    out.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return out;
}

} // namespace

} // namespace netfold
