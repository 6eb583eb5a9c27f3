#include "layout/Groups.h"

#include <algorithm>
#include <functional>
#include <queue>
#include <unordered_set>

namespace netfold {

std::vector<std::string> nameScopes(const std::string& nodeName)
{
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= nodeName.size()) {
        std::size_t slash = nodeName.find('/', start);
        if (slash == std::string::npos)
            slash = nodeName.size();
        if (slash > start)
            parts.emplace_back(nodeName, start, slash - start);
        start = slash + 1;
    }
    if (!parts.empty())
        parts.pop_back(); // the node's own name
    return parts;
}

int ScopeTree::find(const std::string& path) const
{
    auto it = byPath.find(path);
    return it == byPath.end() ? -1 : it->second;
}

bool ScopeTree::inside(int group, int ancestor) const
{
    for (int g = group; g >= 0; g = groups[static_cast<std::size_t>(g)].parent)
        if (g == ancestor)
            return true;
    return false;
}

ScopeTree buildScopeTree(const LayoutGraph& flat)
{
    ScopeTree t;
    const std::size_t n = flat.nodes.size();
    t.groupOfNode.assign(n, -1);
    std::string path;
    for (std::size_t i = 0; i < n; ++i) {
        const LayoutNode& ln = flat.nodes[i];
        if (ln.kind != LayoutNodeKind::Op)
            continue;
        int parent = -1;
        path.clear();
        for (std::string& part : nameScopes(ln.name)) {
            if (!path.empty())
                path += '/';
            path += part;
            auto it = t.byPath.find(path);
            if (it == t.byPath.end()) {
                ScopeGroup g;
                g.path = path;
                g.title = std::move(part);
                g.parent = parent;
                g.depth = parent < 0 ? 0 : t.groups[static_cast<std::size_t>(parent)].depth + 1;
                const int index = static_cast<int>(t.groups.size());
                if (parent >= 0)
                    t.groups[static_cast<std::size_t>(parent)].children.push_back(index);
                t.groups.push_back(std::move(g));
                it = t.byPath.emplace(path, index).first;
            }
            parent = it->second;
        }
        t.groupOfNode[i] = parent;
    }

    // Unscoped helpers that only feed one scope belong to it: torch.onnx's "Identity_12" of a
    // shared weight read by one layer, a "Constant_84" that stayed a box.
    std::vector<int> producers(n, 0);
    std::vector<std::vector<int>> consumers(n);
    for (const LayoutEdge& e : flat.edges) {
        if (flat.nodes[static_cast<std::size_t>(e.from)].kind == LayoutNodeKind::Op)
            ++producers[static_cast<std::size_t>(e.to)];
        consumers[static_cast<std::size_t>(e.from)].push_back(e.to);
    }
    auto common = [&t](int a, int b) {
        while (a >= 0 && !t.inside(b, a))
            a = t.groups[static_cast<std::size_t>(a)].parent;
        return a;
    };
    for (std::size_t i = n; i-- > 0;) {
        if (flat.nodes[i].kind != LayoutNodeKind::Op || t.groupOfNode[i] >= 0 || producers[i] > 0 ||
            consumers[i].empty())
            continue;
        int g = t.groupOfNode[static_cast<std::size_t>(consumers[i][0])];
        for (std::size_t k = 1; k < consumers[i].size() && g >= 0; ++k)
            g = common(g, t.groupOfNode[static_cast<std::size_t>(consumers[i][k])]);
        t.groupOfNode[i] = g;
    }

    std::vector<int> weight(n, 0);
    for (const auto& entry : flat.nodeOf)
        ++weight[static_cast<std::size_t>(entry.second)];
    for (std::size_t i = 0; i < n; ++i) {
        t.totalNodes += weight[i];
        for (int g = t.groupOfNode[i]; g >= 0; g = t.groups[static_cast<std::size_t>(g)].parent) {
            t.groups[static_cast<std::size_t>(g)].nodeCount += weight[i];
            ++t.groups[static_cast<std::size_t>(g)].drawnCount;
        }
    }
    t.totalDrawn = static_cast<int>(n);
    return t;
}

std::set<std::string> defaultCollapsed(const ScopeTree& t, const GroupOptions& o)
{
    std::set<std::string> out;
    if (t.totalDrawn <= o.autoAbove)
        return out;
    auto group = [&t](int g) -> const ScopeGroup& { return t.groups[static_cast<std::size_t>(g)]; };
    std::vector<int> chosen;
    // The outermost groups worth a box; wrappers are looked into.
    std::function<void(int)> visit = [&](int g) {
        const ScopeGroup& G = group(g);
        if (G.nodeCount < o.minGroupNodes)
            return; // its children are smaller still
        if (G.nodeCount > o.wrapperShare * t.totalNodes || G.drawnCount < 2) {
            for (int c : G.children)
                visit(c);
            return;
        }
        chosen.push_back(g);
    };
    for (std::size_t g = 0; g < t.groups.size(); ++g)
        if (t.groups[g].parent < 0)
            visit(static_cast<int>(g));
    auto visible = [&] {
        long v = t.totalDrawn;
        for (int g : chosen)
            v -= group(g).drawnCount - 1;
        return v;
    };
    // Too few boxes: open the biggest collapsed group that has groups inside.
    while (visible() < o.minVisible) {
        int best = -1;
        for (std::size_t k = 0; k < chosen.size(); ++k) {
            const ScopeGroup& G = group(chosen[k]);
            if (G.children.empty())
                continue;
            if (best < 0 || G.drawnCount > group(chosen[static_cast<std::size_t>(best)]).drawnCount)
                best = static_cast<int>(k);
        }
        if (best < 0)
            break;
        const int g = chosen[static_cast<std::size_t>(best)];
        chosen.erase(chosen.begin() + best);
        for (int c : group(g).children)
            if (group(c).nodeCount >= o.minGroupNodes && group(c).drawnCount >= 2)
                chosen.push_back(c);
    }
    for (int g : chosen)
        out.insert(group(g).path);
    return out;
}

namespace {

/// The graph of drawn boxes when some groups are collapsed: every flat node maps to a box (itself
/// or its outermost collapsed group); boxes are numbered in order of their first flat node.
struct Condensed {
    std::vector<int> boxOf;       // flat node -> box
    std::vector<int> groupOfBox;  // box -> ScopeTree group, -1 for a flat node of its own
    std::vector<int> firstOfBox;  // box -> first flat node
    std::vector<std::vector<int>> out;
};

Condensed condense(const LayoutGraph& flat, const ScopeTree& tree, const std::vector<char>& open)
{
    Condensed c;
    const std::size_t n = flat.nodes.size();
    c.boxOf.assign(n, -1);
    std::vector<int> boxOfGroup(tree.groups.size(), -1);
    for (std::size_t i = 0; i < n; ++i) {
        int rep = -1;
        for (int g = tree.groupOfNode[i]; g >= 0; g = tree.groups[static_cast<std::size_t>(g)].parent)
            if (!open[static_cast<std::size_t>(g)])
                rep = g; // walking outwards: the last one is the outermost
        if (rep >= 0 && boxOfGroup[static_cast<std::size_t>(rep)] >= 0) {
            c.boxOf[i] = boxOfGroup[static_cast<std::size_t>(rep)];
            continue;
        }
        const int box = static_cast<int>(c.groupOfBox.size());
        c.boxOf[i] = box;
        c.groupOfBox.push_back(rep);
        c.firstOfBox.push_back(static_cast<int>(i));
        if (rep >= 0)
            boxOfGroup[static_cast<std::size_t>(rep)] = box;
    }
    c.out.assign(c.groupOfBox.size(), {});
    for (const LayoutEdge& e : flat.edges) {
        const int a = c.boxOf[static_cast<std::size_t>(e.from)], b = c.boxOf[static_cast<std::size_t>(e.to)];
        if (a != b)
            c.out[static_cast<std::size_t>(a)].push_back(b);
    }
    return c;
}

/// Topological order of the boxes, earliest first node first; shorter than the boxes on a cycle.
std::vector<int> topoOrder(const Condensed& c)
{
    const std::size_t m = c.groupOfBox.size();
    std::vector<int> indegree(m, 0);
    for (const auto& targets : c.out)
        for (int b : targets)
            ++indegree[static_cast<std::size_t>(b)];
    std::priority_queue<int, std::vector<int>, std::greater<int>> ready;
    for (std::size_t b = 0; b < m; ++b)
        if (indegree[b] == 0)
            ready.push(static_cast<int>(b));
    std::vector<int> order;
    order.reserve(m);
    while (!ready.empty()) {
        const int b = ready.top();
        ready.pop();
        order.push_back(b);
        for (int t : c.out[static_cast<std::size_t>(b)])
            if (--indegree[static_cast<std::size_t>(t)] == 0)
                ready.push(t);
    }
    return order;
}

/// Strongly connected components with more than one box (iterative Tarjan).
std::vector<std::vector<int>> cycles(const Condensed& c)
{
    const int m = static_cast<int>(c.groupOfBox.size());
    std::vector<int> index(static_cast<std::size_t>(m), -1), low(static_cast<std::size_t>(m), 0);
    std::vector<char> onStack(static_cast<std::size_t>(m), 0);
    std::vector<int> stack;
    std::vector<std::pair<int, std::size_t>> calls;
    std::vector<std::vector<int>> found;
    int counter = 0;
    for (int root = 0; root < m; ++root) {
        if (index[static_cast<std::size_t>(root)] >= 0)
            continue;
        calls.push_back({root, 0});
        while (!calls.empty()) {
            auto& [v, next] = calls.back();
            const std::size_t vi = static_cast<std::size_t>(v);
            if (next == 0 && index[vi] < 0) {
                index[vi] = low[vi] = counter++;
                stack.push_back(v);
                onStack[vi] = 1;
            }
            const auto& targets = c.out[vi];
            if (next < targets.size()) {
                const int w = targets[next++];
                const std::size_t wi = static_cast<std::size_t>(w);
                if (index[wi] < 0)
                    calls.push_back({w, 0});
                else if (onStack[wi])
                    low[vi] = std::min(low[vi], index[wi]);
                continue;
            }
            if (low[vi] == index[vi]) {
                std::vector<int> scc;
                int w;
                do {
                    w = stack.back();
                    stack.pop_back();
                    onStack[static_cast<std::size_t>(w)] = 0;
                    scc.push_back(w);
                } while (w != v);
                if (scc.size() > 1)
                    found.push_back(std::move(scc));
            }
            const int done = v;
            calls.pop_back();
            if (!calls.empty()) {
                const std::size_t parent = static_cast<std::size_t>(calls.back().first);
                low[parent] = std::min(low[parent], low[static_cast<std::size_t>(done)]);
            }
        }
    }
    return found;
}

} // namespace

LayoutGraph groupLayoutGraph(const LayoutGraph& flat, const ScopeTree& tree, const std::set<std::string>& collapsed,
                             std::set<std::string>* applied)
{
    std::vector<char> open(tree.groups.size(), 1);
    for (const std::string& path : collapsed) {
        const int g = tree.find(path);
        if (g >= 0)
            open[static_cast<std::size_t>(g)] = 0;
    }
    Condensed c;
    std::vector<int> order;
    for (;;) {
        c = condense(flat, tree, open);
        order = topoOrder(c);
        if (order.size() == c.groupOfBox.size())
            break;
        // A cycle through collapsed boxes: open the biggest group on each one.
        bool opened = false;
        for (const std::vector<int>& scc : cycles(c)) {
            int best = -1;
            for (int b : scc) {
                const int g = c.groupOfBox[static_cast<std::size_t>(b)];
                if (g >= 0 && (best < 0 || tree.groups[static_cast<std::size_t>(g)].drawnCount >
                                               tree.groups[static_cast<std::size_t>(best)].drawnCount))
                    best = g;
            }
            if (best >= 0) {
                open[static_cast<std::size_t>(best)] = 1;
                opened = true;
            }
        }
        if (!opened)
            return flat; // not reachable: the flat graph is acyclic
    }

    LayoutGraph out;
    const std::size_t m = c.groupOfBox.size();
    std::vector<int> position(m, -1);
    out.nodes.reserve(m);
    for (int b : order) {
        position[static_cast<std::size_t>(b)] = static_cast<int>(out.nodes.size());
        const int g = c.groupOfBox[static_cast<std::size_t>(b)];
        if (g < 0) {
            out.nodes.push_back(flat.nodes[static_cast<std::size_t>(c.firstOfBox[static_cast<std::size_t>(b)])]);
            continue;
        }
        const ScopeGroup& G = tree.groups[static_cast<std::size_t>(g)];
        LayoutNode ln;
        ln.kind = LayoutNodeKind::Group;
        ln.group = g;
        ln.title = G.title;
        ln.name = G.path;
        ln.rows.push_back({NodeRow::Kind::Count, {}, std::to_string(G.nodeCount) + (G.nodeCount == 1 ? " node" : " nodes"),
                           {}, kNoNode});
        out.nodes.push_back(std::move(ln));
        if (applied)
            applied->insert(G.path);
    }
    auto newIndex = [&](int flatNode) {
        return position[static_cast<std::size_t>(c.boxOf[static_cast<std::size_t>(flatNode)])];
    };
    out.nodeOf.reserve(flat.nodeOf.size());
    for (const auto& [id, i] : flat.nodeOf) {
        const int at = newIndex(i);
        out.nodeOf.emplace(id, at);
        LayoutNode& ln = out.nodes[static_cast<std::size_t>(at)];
        if (ln.kind == LayoutNodeKind::Group)
            ln.members.push_back(id);
    }
    for (LayoutNode& ln : out.nodes)
        std::sort(ln.members.begin(), ln.members.end());
    // Entries: the earliest node of each group a value from outside flows into.
    std::vector<int> entryOf(m, -1);
    for (const LayoutEdge& fe : flat.edges) {
        const int b = c.boxOf[static_cast<std::size_t>(fe.to)];
        if (c.groupOfBox[static_cast<std::size_t>(b)] < 0 || c.boxOf[static_cast<std::size_t>(fe.from)] == b)
            continue;
        int& e = entryOf[static_cast<std::size_t>(b)];
        if (e < 0 || fe.to < e)
            e = fe.to;
    }
    for (std::size_t b = 0; b < m; ++b) {
        LayoutNode& ln = out.nodes[static_cast<std::size_t>(position[b])];
        if (ln.kind != LayoutNodeKind::Group)
            continue;
        const int e = entryOf[b] >= 0 ? entryOf[b] : c.firstOfBox[b];
        ln.entry = flat.nodes[static_cast<std::size_t>(e)].id;
        if (ln.entry == kNoNode && !ln.members.empty())
            ln.entry = ln.members.front();
    }
    for (const auto& [name, i] : flat.inputOf)
        out.inputOf.emplace(name, newIndex(i));
    for (const auto& [name, i] : flat.outputOf)
        out.outputOf.emplace(name, newIndex(i));

    // Edges by consumer (a node's first in-edge stays its data input); one per value between two boxes.
    std::vector<std::vector<int>> into(m);
    for (std::size_t e = 0; e < flat.edges.size(); ++e) {
        const LayoutEdge& fe = flat.edges[e];
        const int a = newIndex(fe.from), b = newIndex(fe.to);
        if (a != b)
            into[static_cast<std::size_t>(b)].push_back(static_cast<int>(e));
    }
    std::unordered_set<std::string> seen;
    for (std::size_t b = 0; b < m; ++b) {
        const bool group = out.nodes[b].kind == LayoutNodeKind::Group;
        seen.clear();
        for (int e : into[b]) {
            const LayoutEdge& fe = flat.edges[static_cast<std::size_t>(e)];
            const int a = newIndex(fe.from);
            if (group || out.nodes[static_cast<std::size_t>(a)].kind == LayoutNodeKind::Group) {
                std::string key = std::to_string(a);
                key += '\n';
                key += fe.value;
                if (!seen.insert(std::move(key)).second)
                    continue;
            }
            out.edges.push_back({a, static_cast<int>(b), fe.value, fe.label});
        }
    }
    return out;
}

std::vector<std::string> scopesHiding(const LayoutGraph& flat, const ScopeTree& tree,
                                      const std::set<std::string>& collapsed, NodeId id)
{
    std::vector<std::string> hiding;
    const int i = flat.findNode(id);
    if (i < 0 || static_cast<std::size_t>(i) >= tree.groupOfNode.size())
        return hiding;
    for (int g = tree.groupOfNode[static_cast<std::size_t>(i)]; g >= 0; g = tree.groups[static_cast<std::size_t>(g)].parent)
        if (collapsed.count(tree.groups[static_cast<std::size_t>(g)].path))
            hiding.push_back(tree.groups[static_cast<std::size_t>(g)].path);
    return hiding;
}

} // namespace netfold
