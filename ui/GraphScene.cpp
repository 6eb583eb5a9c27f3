#include "GraphScene.h"

#include "BodyGraph.h"
#include "ChunkItem.h"
#include "EdgeItem.h"
#include "GroupFrameItem.h"
#include "NodeItem.h"
#include "StubItem.h"
#include "UiText.h"
#include "layout/DotLayout.h"

#include <QApplication>
#include <QGraphicsView>
#include <QEventLoop>
#include <QFontMetricsF>
#include <QGraphicsSceneHelpEvent>
#include <QThread>
#include <QThreadPool>
#include <QTimer>
#include <QToolTip>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <mutex>

namespace netfold {

namespace {

constexpr int kMaxTitleChars = 48;
constexpr qreal kStubWidth = 112;
constexpr qreal kStubHeight = 18;
constexpr qreal kMargin = 40;

QString qs(const std::string& s) { return QString::fromStdString(s); }

QString elide(const QString& s, int max)
{
    return s.size() <= max ? s : s.left(max / 2 - 1) + QChar(0x2026) + s.right(max / 2 - 1);
}

/// Symbolic dim names longer than this are elided in shape texts ("p2o.Dyna…n.0×3×32").
constexpr int kMaxDimChars = 10;

} // namespace

QString GraphScene::elideDims(const QString& text)
{
    // Tokens between the separators of a shape text: "float[a,b]", "a×b", "a x b".
    QString out;
    out.reserve(text.size());
    QString token;
    auto flush = [&] {
        out += token.size() > kMaxDimChars ? token.left(kMaxDimChars - 4) + QChar(0x2026) + token.right(3) : token;
        token.clear();
    };
    for (const QChar c : text) {
        if (c == QChar(0x00d7) || c == u'[' || c == u']' || c == u',' || c == u' ' || c == u'(' || c == u')') {
            flush();
            out += c;
        } else {
            token += c;
        }
    }
    flush();
    return out;
}

GraphScene::GraphScene(QObject* parent)
    : QGraphicsScene(parent), m_style(&GraphStyle::standard()), m_layoutGraph(std::make_shared<LayoutGraph>()),
      m_flatGraph(m_layoutGraph), m_scopes(std::make_shared<ScopeTree>())
{
    // Chunk items bound their children, so a flat list of a few hundred top-level items is
    // cheaper than a BSP tree over tens of thousands of items.
    setItemIndexMethod(NoIndex);
    m_timing = qEnvironmentVariableIntValue("NETFOLD_TIMING") != 0;
    setBackgroundBrush(m_style->background);
    const QFontMetricsF title(m_style->titleFont), row(m_style->rowFont), label(m_style->labelFont);
    m_titleAscent = title.ascent();
    m_titleDescent = title.descent();
    m_rowBaseline = (m_style->rowHeight + row.ascent() - row.descent()) / 2;
    m_rowAscent = row.ascent();
    m_labelAscent = label.ascent();
    m_labelBaselineOffset = (label.ascent() - label.descent()) / 2;
    connect(this, &QGraphicsScene::selectionChanged, this, &GraphScene::onSelectionChanged);
    // Load Graphviz's plugins in the background while the first model is read.
    static std::once_flag warm;
    std::call_once(warm, [] { (void)QtConcurrent::run(warmUpGraphviz); });
}

GraphScene::~GraphScene()
{
    // Workers post to this object: let every one of them finish (they stop at the next chunk).
    if (m_cancel)
        *m_cancel = true;
    for (QFuture<void>& f : m_futures)
        f.waitForFinished();
    // QGraphicsScene's destructor deletes the items; selection handlers must not see that.
    disconnect(this, &QGraphicsScene::selectionChanged, this, &GraphScene::onSelectionChanged);
    blockSignals(true);
}

void GraphScene::clearGraph()
{
    reset();
    m_highlights.clear();
    if (m_selectedId != kNoNode || m_selectedIndex >= 0) {
        m_selectedId = kNoNode;
        m_selectedIndex = -1;
        emit nodeSelected(kNoNode);
    }
}

void GraphScene::reset()
{
    cancelLayout();
    ++m_generation;
    m_pending = false;
    m_running = false;
    m_complete = false;
    m_settingSelection = true;
    clear();
    m_settingSelection = false;
    m_nodeItems.clear();
    m_edgeItems.clear();
    m_stubItems.clear();
    m_chunkItems.clear();
    m_visuals.clear();
    m_edgesOf.clear();
    m_result = LayoutResult();
    m_layoutGraph = std::make_shared<LayoutGraph>();
    m_groupNodes.clear();
    m_frames.clear();
    m_graph.reset();
    m_bounds = QRectF();
    m_overview = false;
    setSceneRect(QRectF());
}

void GraphScene::setGraph(std::shared_ptr<const Graph> graph, int64_t opset) { show(std::move(graph), opset, false); }

void GraphScene::replaceGraph(std::shared_ptr<const Graph> graph, int64_t opset) { show(std::move(graph), opset, true); }

void GraphScene::show(std::shared_ptr<const Graph> graph, int64_t opset, bool related)
{
    // The same graph again (a relayout) keeps selection and highlights, and so does another version
    // of it (the selection is checked against the new graph once it is built); an unrelated graph
    // drops them.
    const bool same = graph && graph == m_graph;
    if (m_graph)
        emit graphAboutToChange();
    auto g = std::move(graph);
    reset();
    m_keepView = (related || same) && g;
    if (!same && !related)
        m_highlights.clear();
    m_graph = std::move(g);
    m_opset = opset;
    m_selectedIndex = -1;
    if (!same && !related && m_selectedId != kNoNode) {
        m_selectedId = kNoNode;
        emit nodeSelected(kNoNode);
    }
    if (!m_graph)
        return;
    m_flatValid = false;
    if (!same && !related) {
        // A graph shown anew opens with its default groups, decided on this version (a hidden
        // view may be given later versions before it lays out: the sides of the compare view
        // still decide on the same one). Hidden scenes decide when they lay out.
        m_decideOn = m_graph;
        m_collapsed.clear();
        m_everCollapsed.clear();
        if (!viewsHidden())
            decideGroups();
    }
    // Scenes whose views are all hidden (the compare view behind the main view) wait until one
    // is shown, or until someone waits for the layout.
    m_pending = true;
    m_running = true;
    if (!viewsHidden())
        ensureLayout();
}

bool GraphScene::viewsHidden() const
{
    const auto list = views();
    if (list.isEmpty())
        return false;
    for (const QGraphicsView* v : list)
        if (v->isVisible())
            return false;
    return true;
}

void GraphScene::ensureLayout()
{
    if (!m_pending || !m_graph)
        return;
    m_pending = false;
    m_clock.start();
    m_itemNs = 0;
    if (m_decideOn)
        decideGroups();
    if (!m_flatValid)
        buildFlatGraph();
    // Without collapsed groups the flat graph is the one drawn (measure() sizes its boxes).
    auto lg = m_collapsed.empty()
                  ? std::const_pointer_cast<LayoutGraph>(m_flatGraph)
                  : std::make_shared<LayoutGraph>(groupLayoutGraph(*m_flatGraph, *m_scopes, m_collapsed));
    m_layoutGraph = lg;
    m_groupNodes.clear();
    for (int i = 0; i < int(lg->nodes.size()); ++i)
        if (lg->nodes[std::size_t(i)].kind == LayoutNodeKind::Group)
            m_groupNodes.push_back(i);
    const qint64 built = m_clock.nsecsElapsed();
    measure();
    if (m_timing)
        qInfo("netfold: drawable graph %.1f ms, measure %.1f ms (%zu nodes, %zu edges)", built / 1e6,
              (m_clock.nsecsElapsed() - built) / 1e6, lg->nodes.size(), lg->edges.size());
    m_nodeItems = QVector<NodeItem*>(int(lg->nodes.size()), nullptr);
    m_edgeItems = QVector<EdgeItem*>(int(lg->edges.size()), nullptr);
    m_edgesOf = QVector<QVector<int>>(int(lg->nodes.size()));
    for (int e = 0; e < int(lg->edges.size()); ++e) {
        m_edgesOf[lg->edges[e].from].push_back(e);
        m_edgesOf[lg->edges[e].to].push_back(e);
    }
    if (m_selectedId != kNoNode) {
        m_selectedIndex = lg->findNode(m_selectedId);
        if (m_selectedIndex < 0) {
            m_selectedId = kNoNode;
            emit nodeSelected(kNoNode);
        }
    }
    startLayout();
}

void GraphScene::buildFlatGraph()
{
    LayoutGraphOptions lo;
    lo.attributes = m_options.attributes;
    lo.initializers = m_options.initializers;
    lo.opset = m_opset;
    auto flat = std::make_shared<LayoutGraph>(buildLayoutGraph(*m_graph, lo));
    m_scopes = std::make_shared<ScopeTree>(buildScopeTree(*flat));
    m_flatGraph = std::move(flat);
    m_flatValid = true;
}

void GraphScene::decideGroups()
{
    std::shared_ptr<const Graph> on = std::move(m_decideOn);
    m_decideOn.reset();
    if (!m_options.groups || !on)
        return;
    if (on == m_graph) {
        if (!m_flatValid)
            buildFlatGraph();
        m_collapsed = defaultCollapsed(*m_scopes);
    } else {
        LayoutGraphOptions lo;
        lo.opset = m_opset;
        const LayoutGraph flat = buildLayoutGraph(*on, lo);
        m_collapsed = defaultCollapsed(buildScopeTree(flat));
    }
    m_everCollapsed = m_collapsed;
}

void GraphScene::decideGroupsOn(std::shared_ptr<const Graph> graph)
{
    m_decideOn = std::move(graph);
    if (m_pending || !m_graph)
        return; // decided when laid out
    const std::set<std::string> shown = m_collapsed;
    decideGroups();
    if (m_collapsed == shown)
        return;
    std::set<std::string> decided = m_collapsed;
    m_collapsed = shown;
    setCollapsedGroups(decided);
}

void GraphScene::relayoutGroups()
{
    if (!m_graph)
        return;
    // The same graph again: selection, highlights and the views' places are kept; so is the
    // drawable graph without groups.
    std::shared_ptr<const LayoutGraph> flat = m_flatGraph;
    std::shared_ptr<const ScopeTree> scopes = m_scopes;
    const bool valid = m_flatValid;
    emit graphAboutToChange();
    m_groupAnchor = kNoNode;
    std::shared_ptr<const Graph> graph = m_graph;
    const NodeId selected = m_selectedId;
    reset();
    m_graph = std::move(graph);
    m_keepView = true;
    m_selectedId = selected;
    m_selectedIndex = -1;
    m_flatGraph = std::move(flat);
    m_scopes = std::move(scopes);
    m_flatValid = valid;
    m_pending = true;
    m_running = true;
    if (!viewsHidden())
        ensureLayout();
}

void GraphScene::setCollapsedGroups(const std::set<std::string>& scopes)
{
    m_decideOn.reset(); // an explicit choice replaces the default still to be made
    if (scopes == m_collapsed)
        return;
    m_collapsed = scopes;
    m_everCollapsed.insert(scopes.begin(), scopes.end());
    relayoutGroups();
    emit collapsedGroupsChanged();
}

void GraphScene::expandGroup(const std::string& path)
{
    std::set<std::string> s = m_collapsed;
    s.erase(path);
    for (const LayoutNode& ln : m_layoutGraph->nodes)
        if (ln.kind == LayoutNodeKind::Group && ln.name == path)
            m_groupAnchor = ln.entry;
    setCollapsedGroups(s);
    m_groupAnchor = kNoNode;
}

void GraphScene::collapseGroup(const std::string& path)
{
    std::set<std::string> s = m_collapsed;
    // A group drawn inside it means nothing once it is collapsed.
    for (auto it = s.begin(); it != s.end();)
        it = it->rfind(path + "/", 0) == 0 ? s.erase(it) : std::next(it);
    s.insert(path);
    m_groupAnchor = m_selectedId;
    setCollapsedGroups(s);
    m_groupAnchor = kNoNode;
}

void GraphScene::collapseAllGroups()
{
    GroupOptions o;
    o.autoAbove = 0;
    o.minVisible = 0;
    setCollapsedGroups(defaultCollapsed(*m_scopes, o));
}

void GraphScene::expandAllGroups() { setCollapsedGroups({}); }

void GraphScene::addGroupFrames()
{
    if (m_everCollapsed.empty() || !m_flatValid)
        return;
    const ScopeTree& tree = *m_scopes;
    std::vector<char> framed(tree.groups.size(), 0);
    bool any = false;
    for (const std::string& path : m_everCollapsed) {
        const int g = tree.find(path);
        if (g >= 0 && !m_collapsed.count(path)) {
            framed[std::size_t(g)] = 1;
            any = true;
        }
    }
    if (!any)
        return;
    std::vector<QRectF> around(tree.groups.size());
    const LayoutGraph& lg = *m_layoutGraph;
    for (int i = 0; i < int(lg.nodes.size()); ++i) {
        const LayoutNode& ln = lg.nodes[std::size_t(i)];
        NodeItem* item = m_nodeItems.value(i);
        if (!item)
            continue;
        // Nodes nothing flows into (torch's Identity of a weight, counted in the scope it feeds)
        // sit wherever dot puts sources: they would stretch the frame over other blocks.
        bool fed = false;
        for (int e : std::as_const(m_edgesOf[i]))
            fed = fed || lg.edges[std::size_t(e)].to == i;
        if (!fed)
            continue;
        int g = -1;
        if (ln.kind == LayoutNodeKind::Group)
            g = ln.group;
        else if (ln.kind == LayoutNodeKind::Op)
            if (const int f = m_flatGraph->findNode(ln.id); f >= 0 && std::size_t(f) < tree.groupOfNode.size())
                g = tree.groupOfNode[std::size_t(f)];
        const QRectF box = item->mapRectToScene(item->box());
        for (; g >= 0; g = tree.groups[std::size_t(g)].parent)
            if (framed[std::size_t(g)])
                around[std::size_t(g)] = around[std::size_t(g)].isNull() ? box : around[std::size_t(g)] | box;
    }
    for (std::size_t g = 0; g < tree.groups.size(); ++g) {
        if (!framed[g] || around[g].isNull())
            continue;
        const ScopeGroup& G = tree.groups[g];
        auto* frame = new GroupFrameItem(this, G.path,
                                         QStringLiteral("%1  %2 nodes  \u25B4").arg(qs(G.title)).arg(G.nodeCount), around[g]);
        addItem(frame);
        m_frames.push_back(frame);
        m_bounds |= frame->boundingRect();
    }
    setSceneRect(m_bounds.adjusted(-kMargin, -kMargin, kMargin, kMargin));
}

std::vector<std::string> GraphScene::groupsHiding(NodeId id) const
{
    if (!m_flatValid || m_collapsed.empty() || id == kNoNode)
        return {};
    return scopesHiding(*m_flatGraph, *m_scopes, m_collapsed, id);
}

std::vector<std::string> GraphScene::groupsAround(NodeId id) const
{
    std::vector<std::string> out;
    const int i = m_flatGraph->findNode(id);
    if (i < 0 || std::size_t(i) >= m_scopes->groupOfNode.size())
        return out;
    for (int g = m_scopes->groupOfNode[std::size_t(i)]; g >= 0; g = m_scopes->groups[std::size_t(g)].parent)
        out.push_back(m_scopes->groups[std::size_t(g)].path);
    return out;
}

std::array<int, 7> GraphScene::groupBadges(int layoutIndex) const
{
    std::array<int, 7> counts{};
    if (layoutIndex < 0 || layoutIndex >= int(m_layoutGraph->nodes.size()))
        return counts;
    for (NodeId id : m_layoutGraph->nodes[std::size_t(layoutIndex)].members)
        ++counts[std::size_t(m_highlights.value(id, HighlightState::None))];
    return counts;
}

QVector<GraphScene::Badge> GraphScene::groupBadgeTexts(int layoutIndex, bool withMoved) const
{
    QVector<Badge> out;
    const std::array<int, 7> counts = groupBadges(layoutIndex);
    for (HighlightState h : {HighlightState::Folded, HighlightState::Removed, HighlightState::Fused,
                             HighlightState::Added, HighlightState::Changed, HighlightState::Moved}) {
        const int n = counts[std::size_t(h)];
        if (!n || (h == HighlightState::Moved && !withMoved))
            continue;
        const QChar sign = h == HighlightState::Added                                      ? QChar(u'+')
                           : h == HighlightState::Changed || h == HighlightState::Moved ? QChar(u'~')
                                                                                        : QChar(0x2212);
        out.push_back({h, QStringLiteral("%1%2 %3").arg(sign).arg(n).arg(GraphStyle::stateName(h))});
    }
    return out;
}

void GraphScene::setOptions(const Options& options)
{
    const bool relayout = options.direction != m_options.direction || options.attributes != m_options.attributes ||
                          options.initializers != m_options.initializers;
    m_options = options;
    if (relayout && m_graph)
        setGraph(m_graph, m_opset);
    else
        update();
}

qreal GraphScene::textWidth(const QFont& font, QHash<QString, qreal>& cache, const QString& text) const
{
    auto it = cache.constFind(text);
    if (it != cache.constEnd())
        return *it;
    const qreal w = QFontMetricsF(font).horizontalAdvance(text);
    cache.insert(text, w);
    return w;
}

void GraphScene::measure()
{
    // Sizes come from the real fonts, then go to Graphviz as fixed sizes.
    auto& lg = const_cast<LayoutGraph&>(*m_layoutGraph);
    const GraphStyle& st = *m_style;
    m_visuals.assign(lg.nodes.size(), NodeVisual());
    for (std::size_t i = 0; i < lg.nodes.size(); ++i) {
        LayoutNode& ln = lg.nodes[i];
        NodeVisual& v = m_visuals[i];
        v.kind = ln.kind;
        v.id = ln.id;
        v.title = elide(qs(ln.title), kMaxTitleChars);
        v.category = ln.kind == LayoutNodeKind::Input    ? st.inputCategory()
                     : ln.kind == LayoutNodeKind::Output ? st.outputCategory()
                     : ln.kind == LayoutNodeKind::Group  ? st.groupCategory()
                                                         : st.categoryOf(qs(ln.opType));
        v.titleWidth = textWidth(st.titleFont, m_titleWidths, v.title);
        qreal w = v.titleWidth;
        v.rows.reserve(int(ln.rows.size()));
        for (const NodeRow& r : ln.rows) {
            NodeVisual::Row row;
            row.label = qs(r.label);
            // Long symbolic dims are elided (the tooltip has the whole type).
            row.text = r.kind == NodeRow::Kind::Type ? elideDims(qs(r.text)) : qs(r.text);
            row.constant = r.constant;
            if (r.kind == NodeRow::Kind::Initializer || r.kind == NodeRow::Kind::Constant)
                row.value = qs(r.value);
            if (r.kind == NodeRow::Kind::Subgraph) {
                row.subgraph = row.label;
                // Counted as everywhere else: the body's own nodes, and with its bodies where that differs.
                if (const Node* n = m_graph ? m_graph->findNode(ln.id) : nullptr)
                    for (const Subgraph& sg : n->subgraphs)
                        if (sg.graph && sg.attribute == r.label)
                            row.text = nodeCountText(*sg.graph);
                row.text += QStringLiteral(" \u203A"); // "1 node ›": double-click opens it
            }
            row.labelWidth = row.label.isEmpty() ? 0 : textWidth(st.rowLabelFont, m_rowLabelWidths, row.label);
            const qreal textW = textWidth(st.rowFont, m_rowWidths, row.text);
            w = qMax(w, row.labelWidth + (row.label.isEmpty() ? 0 : 4) + textW);
            v.rows.push_back(row);
        }
        if (ln.kind == LayoutNodeKind::Group) {
            // A row for the step's badges ("-12 folded +1 added"), drawn from the highlights.
            NodeVisual::Row badges;
            v.rows.push_back(badges);
            w = qMax(w, textWidth(st.rowFont, m_rowWidths, QStringLiteral("\u2212888 folded  +88 added")));
        }
        v.width = std::ceil(qMax(st.minWidth, w + 2 * st.paddingX));
        v.height = v.rows.isEmpty() ? st.titleHeight
                                    : std::ceil(st.titleHeight + 2 * st.bodyPaddingY + v.rows.size() * st.rowHeight);
        ln.width = v.width;
        ln.height = v.height;
    }
}

void GraphScene::startLayout()
{
    const quint64 gen = ++m_generation;
    m_cancel = std::make_shared<std::atomic<bool>>(false);
    m_running = true;
    m_complete = false;
    LayoutOptions lo;
    lo.direction = m_options.direction;
    lo.cache = m_options.layoutCache;
    // Left to right, shape labels sit on the (horizontal) edges between ranks: leave room.
    if (lo.direction == LayoutOptions::Direction::LeftToRight)
        lo.rankSep = 56;
    lo.stubWidth = kStubWidth;
    lo.stubHeight = kStubHeight;
    emit layoutStarted();
    std::shared_ptr<const LayoutGraph> lg = m_layoutGraph;
    std::shared_ptr<std::atomic<bool>> cancel = m_cancel;
    // Layouts run on their own pool so long layouts never starve other QtConcurrent work.
    static QThreadPool* pool = [] {
        auto* p = new QThreadPool(qApp);
        p->setMaxThreadCount(qMax(2, QThread::idealThreadCount()));
        return p;
    }();
    m_futures.erase(std::remove_if(m_futures.begin(), m_futures.end(), [](const QFuture<void>& f) { return f.isFinished(); }),
                    m_futures.end());
    m_futures.push_back(QtConcurrent::run(pool, [this, lg, lo, cancel, gen] {
        LayoutCallbacks cb;
        cb.cancel = cancel.get();
        cb.chunkReady = [this, gen](const LayoutChunkUpdate& up) {
            auto copy = std::make_shared<LayoutChunkUpdate>(up);
            QMetaObject::invokeMethod(this, [this, gen, copy] { onChunkReady(gen, *copy); }, Qt::QueuedConnection);
        };
        cb.progress = [this, gen](int done, int total) {
            QMetaObject::invokeMethod(
                this, [this, gen, done, total] {
                    if (gen == m_generation)
                        emit layoutProgress(done, total);
                },
                Qt::QueuedConnection);
        };
        auto result = std::make_shared<LayoutResult>(netfold::layoutGraph(*lg, lo, cb));
        QMetaObject::invokeMethod(this, [this, gen, result] { onLayoutDone(gen, result); }, Qt::QueuedConnection);
    }));
}

void GraphScene::cancelLayout()
{
    if (m_cancel)
        *m_cancel = true;
}

bool GraphScene::waitForLayout(int timeoutMs)
{
    ensureLayout();
    if (!m_running)
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    connect(this, &GraphScene::layoutFinished, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    while (m_running && timer.isActive())
        loop.exec();
    return !m_running;
}

void GraphScene::onChunkReady(quint64 generation, const LayoutChunkUpdate& up)
{
    if (generation != m_generation)
        return;
    QElapsedTimer itemClock;
    itemClock.start();
    const LayoutGraph& lg = *m_layoutGraph;
    auto* chunk = new ChunkItem(this, up.chunk);
    chunk->setOverview(m_overview);
    QGraphicsItem* layer = chunk->layer();
    for (const auto& [index, rect] : up.nodes) {
        auto* item = new NodeItem(this, index, layer);
        item->setPos(rect.x, rect.y);
        m_nodeItems[index] = item;
        chunk->addNode(item);
        const NodeVisual& v = m_visuals[index];
        if (v.id != kNoNode) {
            auto h = m_highlights.constFind(v.id);
            if (h != m_highlights.constEnd())
                item->setHighlight(*h);
        }
        for (const NodeVisual::Row& row : v.rows) {
            if (row.constant == kNoNode)
                continue;
            auto h = m_highlights.constFind(row.constant);
            if (h != m_highlights.constEnd())
                item->setRowHighlight(row.constant, *h);
        }
        if (v.kind == LayoutNodeKind::Group)
            item->update(); // badges read the highlights when painted
    }
    for (const auto& [index, geometry] : up.edges) {
        const QString label = elideDims(qs(lg.edges[index].label));
        auto* item = new EdgeItem(this, index, geometry, label,
                                  label.isEmpty() ? 0 : textWidth(m_style->labelFont, m_labelWidths, label), layer);
        m_edgeItems[index] = item;
        chunk->addEdge(item);
    }
    for (const auto& [index, stub] : up.stubs) {
        if (int(m_result.stubs.size()) <= index)
            m_result.stubs.resize(index + 1);
        m_result.stubs[index] = stub;
        auto* item = new StubItem(this, index, stub, stubText(index), layer);
        if (m_stubItems.size() <= index)
            m_stubItems.resize(index + 1);
        m_stubItems[index] = item;
        chunk->addStub(item);
    }
    placeLabels(chunk);
    chunk->finish();
    addItem(chunk);
    if (m_chunkItems.size() <= up.chunk)
        m_chunkItems.resize(up.chunk + 1);
    m_chunkItems[up.chunk] = chunk;
    m_bounds |= chunk->boundingRect();
    setSceneRect(m_bounds.adjusted(-kMargin, -kMargin, kMargin, kMargin));

    if (m_selectedIndex >= 0 && m_selectedIndex < m_nodeItems.size() && m_nodeItems[m_selectedIndex] &&
        !m_nodeItems[m_selectedIndex]->isSelected()) {
        m_settingSelection = true;
        m_nodeItems[m_selectedIndex]->setSelected(true);
        m_settingSelection = false;
        setEmphasis(m_selectedIndex, true);
    }
    m_itemNs += itemClock.nsecsElapsed();
    emit chunkAdded(up.chunk, up.chunkCount);
}

void GraphScene::onLayoutDone(quint64 generation, std::shared_ptr<LayoutResult> result)
{
    if (generation != m_generation)
        return;
    auto stubs = std::move(m_result.stubs);
    m_result = std::move(*result);
    if (m_result.stubs.empty())
        m_result.stubs = std::move(stubs);
    m_running = false;
    const bool ok = !m_result.cancelled && m_result.error.empty();
    if (m_timing)
        qInfo("netfold: layout done at %.1f ms: engine %.1f ms (plan %.1f, dot %.1f), %d chunks, %d cache hits; "
              "items %.1f ms",
              m_clock.nsecsElapsed() / 1e6, m_result.stats.totalMs, m_result.stats.planMs, m_result.stats.dotMs,
              m_result.stats.chunks, m_result.stats.cacheHits, m_itemNs / 1e6);
    m_complete = ok;
    if (ok)
        addGroupFrames();
    emit layoutFinished(ok, m_result.cancelled ? tr("Layout cancelled.") : QString::fromStdString(m_result.error));
}

void GraphScene::placeLabels(ChunkItem* chunk)
{
    // Shape labels go where they overlap no box and no other label (or are left out).
    QVector<QRectF> taken;
    for (const NodeItem* n : chunk->nodes())
        taken.push_back(n->box().translated(n->pos()).adjusted(-2, -2, 2, 2));
    for (const StubItem* s : chunk->stubs())
        taken.push_back(s->box().translated(s->pos()));
    auto isFree = [&taken](const QRectF& r) {
        for (const QRectF& t : std::as_const(taken))
            if (t.intersects(r))
                return false;
        return true;
    };
    for (EdgeItem* e : chunk->edges()) {
        const QRectF r = e->placeLabel(isFree);
        if (!r.isEmpty())
            taken.push_back(r.adjusted(-2, 0, 2, 0));
    }
}

NodeItem* GraphScene::nodeItem(NodeId id) const
{
    const int index = m_layoutGraph->findNode(id);
    return index >= 0 ? m_nodeItems.value(index) : nullptr;
}

NodeItem* GraphScene::nodeItemAt(int layoutIndex) const { return m_nodeItems.value(layoutIndex); }

NodeItem* GraphScene::inputItem(const QString& name) const
{
    auto it = m_layoutGraph->inputOf.find(name.toStdString());
    return it == m_layoutGraph->inputOf.end() ? nullptr : m_nodeItems.value(it->second);
}

NodeItem* GraphScene::outputItem(const QString& name) const
{
    auto it = m_layoutGraph->outputOf.find(name.toStdString());
    return it == m_layoutGraph->outputOf.end() ? nullptr : m_nodeItems.value(it->second);
}

QVector<NodeItem*> GraphScene::nodeItems() const
{
    QVector<NodeItem*> items;
    items.reserve(m_nodeItems.size());
    for (NodeItem* n : m_nodeItems)
        if (n)
            items.push_back(n);
    return items;
}

QVector<EdgeItem*> GraphScene::edgeItems() const
{
    QVector<EdgeItem*> items;
    items.reserve(m_edgeItems.size());
    for (EdgeItem* e : m_edgeItems)
        if (e)
            items.push_back(e);
    return items;
}

void GraphScene::setEmphasis(int layoutIndex, bool on)
{
    if (layoutIndex < 0 || layoutIndex >= m_edgesOf.size())
        return;
    for (int e : std::as_const(m_edgesOf[layoutIndex]))
        if (EdgeItem* item = m_edgeItems.value(e))
            item->setEmphasis(on);
}

void GraphScene::selectLayoutNode(int layoutIndex, NodeId id)
{
    NodeItem* item = m_nodeItems.value(layoutIndex);
    if (item && !item->isSelected()) {
        m_settingSelection = true;
        clearSelection();
        item->setSelected(true);
        m_settingSelection = false;
    }
    if (layoutIndex != m_selectedIndex) {
        setEmphasis(m_selectedIndex, false);
        setEmphasis(layoutIndex, true);
    }
    const bool indexChanged = layoutIndex != m_selectedIndex;
    if (indexChanged && m_overview) {
        // The overview draws the selection: repaint the chunks involved.
        for (int i : {m_selectedIndex, layoutIndex})
            if (NodeItem* n = m_nodeItems.value(i))
                if (n->parentItem() && n->parentItem()->parentItem())
                    n->parentItem()->parentItem()->update();
    }
    m_selectedIndex = layoutIndex;
    if (id != m_selectedId) {
        m_selectedId = id;
        emit nodeSelected(id);
    }
    if (indexChanged && layoutIndex >= 0 && id == kNoNode) {
        const LayoutNode& ln = m_layoutGraph->nodes[layoutIndex];
        if (ln.kind == LayoutNodeKind::Input || ln.kind == LayoutNodeKind::Output)
            emit valueSelected(qs(ln.name));
    }
}

void GraphScene::onSelectionChanged()
{
    if (m_settingSelection)
        return;
    NodeItem* selected = nullptr;
    for (QGraphicsItem* item : selectedItems())
        if (item->type() == NodeItem::Type) {
            selected = static_cast<NodeItem*>(item);
            break;
        }
    if (!selected) {
        m_clickedId = kNoNode;
        selectLayoutNode(-1, kNoNode);
        return;
    }
    NodeId id = selected->nodeId();
    if (m_clickedId != kNoNode && m_layoutGraph->findNode(m_clickedId) == selected->layoutIndex())
        id = m_clickedId;
    m_clickedId = kNoNode;
    selectLayoutNode(selected->layoutIndex(), id);
}

void GraphScene::selectNode(NodeId id)
{
    if (id == kNoNode) {
        m_settingSelection = true;
        clearSelection();
        m_settingSelection = false;
        selectLayoutNode(-1, kNoNode);
        return;
    }
    if (m_pending) {
        // Not laid out yet (hidden view): resolved when the layout starts.
        if (id != m_selectedId) {
            m_selectedId = id;
            emit nodeSelected(id);
        }
        return;
    }
    {
        // Inside a collapsed group: open what hides it (and lay out again) to show it.
        const std::vector<std::string> hiding = groupsHiding(id);
        if (!hiding.empty()) {
            if (id != m_selectedId) {
                m_selectedId = id;
                emit nodeSelected(id);
            }
            std::set<std::string> s = m_collapsed;
            for (const std::string& h : hiding)
                s.erase(h);
            setCollapsedGroups(s);
            return;
        }
    }
    const int index = m_layoutGraph->findNode(id);
    if (index < 0)
        return;
    if (!m_nodeItems.value(index)) {
        // Not drawn yet: applied when its chunk arrives.
        setEmphasis(m_selectedIndex, false);
        m_settingSelection = true;
        clearSelection();
        m_settingSelection = false;
        m_selectedIndex = index;
        if (id != m_selectedId) {
            m_selectedId = id;
            emit nodeSelected(id);
        }
        return;
    }
    selectLayoutNode(index, id);
}

void GraphScene::setHighlight(NodeId id, HighlightState state)
{
    if (state == HighlightState::None)
        m_highlights.remove(id);
    else
        m_highlights.insert(id, state);
    NodeItem* item = nodeItem(id);
    if (!item)
        return;
    if (item->visual().kind == LayoutNodeKind::Group)
        item->update(); // a member: the badges change
    else if (item->nodeId() == id)
        item->setHighlight(state);
    else
        item->setRowHighlight(id, state);
    if (m_overview && item->parentItem() && item->parentItem()->parentItem())
        item->parentItem()->parentItem()->update();
}

void GraphScene::setValueHighlights(const QHash<QString, HighlightState>& states)
{
    if (states == m_valueHighlights)
        return;
    m_valueHighlights = states;
    update();
}

void GraphScene::clearHighlights()
{
    const auto ids = m_highlights.keys();
    for (NodeId id : ids)
        setHighlight(id, HighlightState::None);
}

void GraphScene::setLevelOfDetail(qreal zoom)
{
    const bool overview = zoom < kOverviewLod;
    if (overview == m_overview)
        return;
    m_overview = overview;
    for (ChunkItem* c : std::as_const(m_chunkItems))
        if (c)
            c->setOverview(overview);
}

QString GraphScene::stubText(int stub) const
{
    if (stub < 0 || stub >= int(m_result.stubs.size()))
        return {};
    const LayoutStub& s = m_result.stubs[stub];
    const LayoutGraph& lg = *m_layoutGraph;
    if (s.outgoing) {
        if (s.peers.size() == 1)
            return QStringLiteral("\u2193 to %1").arg(qs(lg.nodes[s.peers[0]].title));
        return QStringLiteral("\u2193 to %1 nodes").arg(s.peers.size());
    }
    return QStringLiteral("from %1 \u2193").arg(qs(lg.nodes[s.peers.empty() ? s.node : s.peers[0]].title));
}

void GraphScene::activateStub(int stub)
{
    if (stub < 0 || stub >= int(m_result.stubs.size()))
        return;
    const LayoutStub& s = m_result.stubs[stub];
    if (s.peers.empty())
        return;
    // An outgoing stub with several consumers cycles through them on repeated clicks.
    int target = s.peers[0];
    if (s.outgoing && s.peers.size() > 1) {
        int at = -1;
        for (std::size_t i = 0; i < s.peers.size(); ++i)
            if (s.peers[i] == m_selectedIndex)
                at = int(i);
        target = s.peers[(at + 1) % int(s.peers.size())];
    }
    selectLayoutNode(target, m_visuals[target].id);
    emit centerRequested(target);
}

QVector<GraphScene::SearchHit> GraphScene::search(const QString& text, int limit) const
{
    QVector<SearchHit> hits;
    const QString needle = text.trimmed();
    if (needle.isEmpty() || !m_graph)
        return hits;
    const std::string n = needle.toLower().toStdString();
    auto contains = [&n](const std::string& hay) {
        if (hay.size() < n.size())
            return false;
        auto it = std::search(hay.begin(), hay.end(), n.begin(), n.end(),
                              [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
        return it != hay.end();
    };
    const LayoutGraph& lg = *m_layoutGraph;
    for (const ValueInfo& in : m_graph->inputs) {
        auto it = lg.inputOf.find(in.name);
        if (it != lg.inputOf.end() && contains(in.name))
            hits.push_back({kNoNode, it->second, tr("input  %1").arg(qs(in.name)), QStringLiteral("value")});
    }
    for (const Node& node : m_graph->nodes) {
        if (hits.size() >= limit)
            break;
        QString matched;
        std::string value;
        if (contains(node.name))
            matched = QStringLiteral("name");
        else if (contains(node.opType))
            matched = QStringLiteral("op");
        else {
            for (const auto* list : {&node.inputs, &node.outputs}) {
                for (const std::string& v : *list)
                    if (!v.empty() && contains(v)) {
                        value = v;
                        break;
                    }
                if (!value.empty())
                    break;
            }
            if (!value.empty())
                matched = QStringLiteral("value");
        }
        if (matched.isEmpty())
            continue;
        QString label = qs(node.opType) + QStringLiteral("  ") + qs(node.label());
        if (!value.empty())
            label += QStringLiteral("  (%1)").arg(qs(value));
        hits.push_back({node.id, lg.findNode(node.id), label, matched});
    }
    // Names and op types before value names.
    std::stable_partition(hits.begin(), hits.end(), [](const SearchHit& h) { return h.matched != QLatin1String("value") || h.id == kNoNode; });
    for (const ValueInfo& out : m_graph->outputs) {
        if (hits.size() >= limit)
            break;
        auto it = lg.outputOf.find(out.name);
        if (it != lg.outputOf.end() && contains(out.name))
            hits.push_back({kNoNode, it->second, tr("output  %1").arg(qs(out.name)), QStringLiteral("value")});
    }
    return hits;
}

QString GraphScene::toolTipFor(int layoutIndex) const
{
    if (layoutIndex < 0 || layoutIndex >= int(m_layoutGraph->nodes.size()) || !m_graph)
        return {};
    const LayoutNode& ln = m_layoutGraph->nodes[layoutIndex];
    auto typed = [this](const std::string& v) {
        const ValueType t = m_graph->typeOf(v);
        return (qs(v) + QStringLiteral(": ") + qs(t.toString())).toHtmlEscaped();
    };
    QStringList lines;
    if (ln.kind == LayoutNodeKind::Group) {
        lines << QStringLiteral("<b>%1</b>").arg(qs(ln.name).toHtmlEscaped());
        lines << (ln.rows.empty() ? QString() : qs(ln.rows[0].text));
        const std::array<int, 7> badges = groupBadges(layoutIndex);
        for (HighlightState h : {HighlightState::Folded, HighlightState::Fused, HighlightState::Removed,
                                 HighlightState::Added, HighlightState::Changed, HighlightState::Moved})
            if (badges[std::size_t(h)])
                lines << QStringLiteral("%1 %2").arg(badges[std::size_t(h)]).arg(GraphStyle::stateName(h));
        lines << tr("<i>Double-click to expand.</i>");
        return lines.join(QStringLiteral("<br>"));
    }
    if (ln.kind != LayoutNodeKind::Op) {
        lines << QStringLiteral("<b>%1</b> %2").arg(ln.kind == LayoutNodeKind::Input ? tr("input") : tr("output"),
                                                    typed(ln.name));
        // A body's outer-scope value, drawn as an input (see BodyGraph.h).
        for (const ValueInfo& in : m_graph->inputs)
            if (ln.kind == LayoutNodeKind::Input && in.name == ln.name && in.docString == kOuterScopeDoc)
                lines << tr("<i>Read from an enclosing graph.</i>");
        return lines.join(QStringLiteral("<br>"));
    }
    const Node* node = nullptr;
    for (const Node& n : m_graph->nodes)
        if (n.id == ln.id) {
            node = &n;
            break;
        }
    if (!node)
        return {};
    lines << QStringLiteral("<b>%1</b> %2").arg(qs(node->opType).toHtmlEscaped(), qs(node->label()).toHtmlEscaped());
    for (const std::string& in : node->inputs)
        if (!in.empty())
            lines << QStringLiteral("in  ") + typed(in);
    for (const std::string& out : node->outputs)
        if (!out.empty())
            lines << QStringLiteral("out ") + typed(out);
    auto note = m_graph->inferenceNotes.find(node->id);
    if (note != m_graph->inferenceNotes.end())
        lines << QStringLiteral("<i>%1</i>").arg(qs(note->second).toHtmlEscaped());
    if (!node->subgraphs.empty())
        lines << tr("<i>Double-click to open its body (on a row: that one).</i>");
    return lines.join(QStringLiteral("<br>"));
}

void GraphScene::helpEvent(QGraphicsSceneHelpEvent* event)
{
    QString text;
    for (QGraphicsItem* item : items(event->scenePos())) {
        if (item->type() == NodeItem::Type) {
            text = toolTipFor(static_cast<NodeItem*>(item)->layoutIndex());
            break;
        }
        if (item->type() == StubItem::Type) {
            const int s = static_cast<StubItem*>(item)->stubIndex();
            if (s >= 0 && s < int(m_result.stubs.size()))
                text = tr("Long edge carrying '%1' (click to go to the other end)")
                           .arg(qs(m_result.stubs[s].value))
                           .toHtmlEscaped();
            break;
        }
        if (item->type() == EdgeItem::Type && text.isEmpty() && m_graph) {
            // The whole shape of the value (labels elide long symbolic dims).
            const int e = static_cast<EdgeItem*>(item)->edgeIndex();
            if (e >= 0 && e < int(m_layoutGraph->edges.size())) {
                const std::string& v = m_layoutGraph->edges[e].value;
                text = (qs(v) + QStringLiteral(": ") + qs(m_graph->typeOf(v).toString())).toHtmlEscaped();
            }
        }
    }
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->screenPos(), text, event->widget());
    event->setAccepted(!text.isEmpty());
}

} // namespace netfold
