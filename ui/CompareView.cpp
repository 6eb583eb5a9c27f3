#include "CompareView.h"

#include "BodyGraph.h"
#include "BreadcrumbBar.h"
#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "NodeItem.h"
#include "Palette.h"
#include "SimplifySession.h"
#include "UiText.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollBar>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <set>
#include <tuple>

namespace netfold {

namespace {

HighlightState stateOf(Fate fate)
{
    switch (fate) {
    case Fate::Folded: return HighlightState::Folded;
    case Fate::Fused: return HighlightState::Fused;
    case Fate::Eliminated: return HighlightState::Removed;
    }
    return HighlightState::Removed;
}

QWidget* legend(QWidget* parent)
{
    auto* w = new QWidget(parent);
    auto* row = new QHBoxLayout(w);
    row->setContentsMargins(0, 0, 0, 0);
    row->setSpacing(4); // six entries fit a 640-pixel window
    const GraphStyle& style = GraphStyle::standard();
    for (const CompareView::LegendEntry& item : CompareView::legendEntries()) {
        auto* swatch = new QLabel(w);
        swatch->setFixedSize(14, 14);
        swatch->setStyleSheet(QString("background:%1;border:1px solid #666;border-radius:3px;")
                                  .arg(style.stateColor(item.state).name()));
        swatch->setToolTip(item.tip);
        row->addWidget(swatch);
        auto* label = new QLabel(item.name, w);
        label->setToolTip(item.tip);
        label->setMinimumWidth(label->sizeHint().width());
        row->addWidget(label);
        row->addSpacing(8);
    }
    row->addStretch();
    w->setObjectName("legend");
    return w;
}

} // namespace

CompareView::LegendEntry CompareView::movedEntry()
{
    return {HighlightState::Moved, tr("moved"),
            tr("Left: a representation-only change, nothing computed away: a Constant node turned initializer, "
               "an initializer merged into an identical one or dropped unused. Off by default.")};
}

QVector<CompareView::LegendEntry> CompareView::legendEntries()
{
    return {{HighlightState::Folded, tr("folded"), tr("Left: computed ahead of time and folded into a constant")},
            {HighlightState::Removed, tr("eliminated"), tr("Left: removed as a no-op or dead code")},
            {HighlightState::Fused, tr("fused"), tr("Left: merged into another node")},
            {HighlightState::Added, tr("added"), tr("Right: created by a pass")},
            {HighlightState::Changed, tr("changed"),
             tr("Both sides: took over removed work (a fused node, a reader of a new constant)")}};
}

CompareView::CompareView(SimplifySession* session, QWidget* parent)
    : QWidget(parent), m_session(session), m_rootName(tr("main graph"))
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_crumbs = new BreadcrumbBar(this);
    connect(m_crumbs, &BreadcrumbBar::crumbActivated, this,
            [this](int depth) { setPath(GraphPath(m_path.begin(), m_path.begin() + depth)); });
    layout->addWidget(m_crumbs);
    auto* top = new QHBoxLayout;
    top->setContentsMargins(6, 2, 6, 2);
    QWidget* legendRow = legend(this);
    {
        // The quiet category, off by default: a box to show it, with its swatch.
        auto* row = static_cast<QHBoxLayout*>(legendRow->layout());
        const LegendEntry moved = movedEntry();
        auto* swatch = new QLabel(legendRow);
        swatch->setFixedSize(14, 14);
        swatch->setStyleSheet(QString("background:%1;border:1px dashed #666;border-radius:3px;")
                                  .arg(GraphStyle::standard().stateColor(HighlightState::Moved).name()));
        swatch->setToolTip(moved.tip);
        m_movesBox = new QCheckBox(moved.name, legendRow);
        m_movesBox->setObjectName("showMoves");
        m_movesBox->setToolTip(moved.tip);
        row->insertWidget(row->count() - 1, swatch);
        row->insertWidget(row->count() - 1, m_movesBox);
        connect(m_movesBox, &QCheckBox::toggled, this, &CompareView::setShowMoves);
    }
    top->addWidget(legendRow, 1);
    m_syncViewport = new QCheckBox(tr("Sync viewports"), this);
    m_syncViewport->setChecked(true);
    m_syncViewport->setToolTip(tr("Both sides at one scale: zoom and pan together, and centre the other side on the "
                                  "counterpart of the selection"));
    // The legend alone on its row: it reads whole in a small window.
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName("compareSplitter");
    // Each side: a title (never wider than the side; the whole text is its tooltip), then the
    // graph, or in its place why this side has no such body.
    auto makeSide = [&](QLabel*& title, QStackedWidget*& stack, GraphView*& view, QLabel*& missing, const QString& name) {
        auto* side = new QWidget(split);
        auto* v = new QVBoxLayout(side);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(0);
        title = new QLabel(side);
        title->setStyleSheet(QString("QLabel { background: %1; padding: 3px 6px; font-weight: bold; }").arg(themed("#eef1f5", "#34373b")));
        title->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        v->addWidget(title);
        stack = new QStackedWidget(side);
        view = new GraphView(nullptr, stack);
        view->setObjectName(name);
        // Graphs smaller than their side start at the top, level with the other side.
        view->setAlignment(Qt::AlignHCenter | Qt::AlignTop);
        stack->addWidget(view);
        missing = new QLabel(stack);
        missing->setObjectName(name + "Missing");
        missing->setAlignment(Qt::AlignCenter);
        missing->setWordWrap(true);
        missing->setMargin(24);
        missing->setStyleSheet(QString("QLabel { color: %1; background: %2; }").arg(themed("#555", "#a9acb2"), themed("#fafafa", "#1e1f22")));
        stack->addWidget(missing);
        v->addWidget(stack, 1);
    };
    makeSide(m_leftTitle, m_leftStack, m_left, m_leftMissing, "beforeView");
    makeSide(m_rightTitle, m_rightStack, m_right, m_rightMissing, "afterView");
    layout->addWidget(split, 1);
    m_link = new QLabel(this);
    m_link->setObjectName("linkText");
    m_link->setWordWrap(true);
    m_link->setContentsMargins(6, 2, 6, 2);
    auto* bottom = new QHBoxLayout;
    bottom->setContentsMargins(0, 0, 6, 0);
    bottom->addWidget(m_link, 1);
    bottom->addWidget(m_syncViewport, 0, Qt::AlignTop);
    layout->addLayout(bottom);

    connect(m_left->graphScene(), &GraphScene::nodeSelected, this, &CompareView::onLeftSelected);
    connect(m_right->graphScene(), &GraphScene::nodeSelected, this, &CompareView::onRightSelected);
    connect(m_left->graphScene(), &GraphScene::valueSelected, this, [this](const QString& v) { emit valueSelected(true, v); });
    connect(m_right->graphScene(), &GraphScene::valueSelected, this, [this](const QString& v) { emit valueSelected(false, v); });
    // Highlights must be re-applied once the items exist; both sides start at one scale.
    for (GraphView* v : {m_left, m_right}) {
        connect(v->graphScene(), &GraphScene::layoutFinished, this, [this] {
            applyHighlights();
            matchStartZooms();
            shareZoom();
        });
        connect(v, &GraphView::userZoomed, this, [this, v](qreal z) { onUserZoomed(v, z); });
        connect(v, &GraphView::userScrolled, this, [this, v](QPoint d) { onUserScrolled(v, d); });
    }
    // Both sides collapse the same name scopes. Queued: the change may come from an item's event
    // handler, and laying a side out again deletes its items.
    for (auto [from, to] : {std::pair{m_left, m_right}, std::pair{m_right, m_left}})
        connect(from->graphScene(), &GraphScene::collapsedGroupsChanged, this,
                [from = from, to = to] { to->graphScene()->setCollapsedGroups(from->graphScene()->collapsedGroups()); },
                Qt::QueuedConnection);
    connect(m_syncViewport, &QCheckBox::toggled, this, &CompareView::shareZoom);
    connect(split, &QSplitter::splitterMoved, this, &CompareView::matchStartZooms);
    for (GraphView* v : {m_left, m_right})
        connect(v->graphScene(), &GraphScene::subgraphRequested, this, [this](NodeId id, const QString& attribute) {
            GraphPath path = m_path;
            path.push_back({id, attribute.toStdString()});
            setPath(path);
        });
    connect(session, &SimplifySession::changed, this, &CompareView::refresh);
}

void CompareView::matchStartZooms()
{
    // The smaller of the two starting zooms for both, so that a node is as big on the left as
    // on the right (unless the user has zoomed a side since).
    qreal cap = GraphView::kMaxZoom;
    if (m_leftGraph && m_rightGraph && m_left->graphScene()->isLayoutComplete() && m_right->graphScene()->isLayoutComplete())
        cap = std::min(m_left->initialZoom(), m_right->initialZoom());
    m_left->setInitialZoomCap(cap);
    m_right->setInitialZoomCap(cap);
}

void CompareView::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    // After the sides have their new sizes.
    QTimer::singleShot(0, this, &CompareView::matchStartZooms);
}

void CompareView::setRootName(const QString& name)
{
    m_rootName = name;
    if (m_leftModel)
        m_crumbs->setPath(m_leftModel->graph, m_path, m_rootName);
}

bool CompareView::setPath(const GraphPath& path)
{
    if (path == m_path)
        return true;
    auto has = [&](const std::shared_ptr<const Model>& m) { return m && resolvePath(m->graph, path); };
    if (!has(m_leftModel) && !has(m_rightModel))
        return false;
    m_path = path;
    refresh();
    emit pathChanged(m_path);
    return true;
}

QString CompareView::missingText(const Model& model) const
{
    const Graph* g = &model.graph;
    for (const GraphPathStep& step : m_path) {
        const Node* n = g->findNode(step.node);
        if (!n) {
            auto it = m_outcomes.find(step.node);
            if (it != m_outcomes.end())
                return tr("'%1' (%2) was %3 in step %4: its %5 is not in this model.")
                    .arg(QString::fromStdString(it->second.label), QString::fromStdString(it->second.opType),
                         QString(fateName(it->second.fate)))
                    .arg(it->second.step + 1)
                    .arg(QString::fromStdString(step.attribute));
            return tr("This model has no node %1 with a %2.").arg(step.node).arg(QString::fromStdString(step.attribute));
        }
        g = resolvePath(*g, GraphPath{step});
        if (!g)
            return tr("'%1' (%2) has no %3 here.")
                .arg(QString::fromStdString(n->label()), QString::fromStdString(n->opType), QString::fromStdString(step.attribute));
    }
    return {};
}

void CompareView::setCumulative(bool cumulative)
{
    if (m_cumulative == cumulative)
        return;
    m_cumulative = cumulative;
    refresh();
}

void CompareView::setShowMoves(bool on)
{
    if (on == m_showMoves)
        return;
    m_showMoves = on;
    m_movesBox->setChecked(on);
    applyHighlights();
}

void CompareView::findMoves(std::size_t first, std::size_t last)
{
    // A Constant node "folded" by turning it into an initializer (or merged, or dropped) computed
    // nothing: it is a move unless a node removed later read its value (then it went into a fold
    // and counts with it).
    m_moved.clear();
    m_readByRemoved.clear();
    const Pipeline* p = m_session->pipeline();
    if (!p)
        return;
    std::set<std::string>& readByRemoved = m_readByRemoved;
    for (std::size_t s = first; s < last && s < p->steps().size(); ++s) {
        const Step& step = p->steps()[s];
        if (step.changes.removed.empty())
            continue;
        std::set<NodeId> gone;
        for (const Removal& r : step.changes.removed)
            if (r.opType != "Constant")
                gone.insert(r.node);
        if (gone.empty())
            continue;
        forEachGraph(step.before->graph, [&](const Graph& g) {
            for (const Node& n : g.nodes)
                if (gone.count(n.id))
                    readByRemoved.insert(n.inputs.begin(), n.inputs.end());
        });
    }
    for (std::size_t s = first; s < last && s < p->steps().size(); ++s)
        for (const Removal& r : p->steps()[s].changes.removed) {
            if (r.opType != "Constant" || r.fate != Fate::Folded)
                continue;
            auto it = m_outcomes.find(r.node);
            if (it == m_outcomes.end())
                continue;
            const Outcome& o = it->second;
            // Its value lives on as an initializer (itself, or the duplicate it was merged into)
            // or was dropped unused; no node computed with it.
            const bool stillItself = o.intoValue == r.intoValue && !r.intoValue.empty();
            if (stillItself || (o.intoNode == kNoNode && !readByRemoved.count(r.intoValue)))
                m_moved.insert(r.node);
        }
}

void CompareView::setViewportSync(bool on) { m_syncViewport->setChecked(on); }
bool CompareView::viewportSync() const { return m_syncViewport->isChecked(); }

QString CompareView::linkText() const { return m_link->text(); }

void CompareView::refresh()
{
    const Pipeline* p = m_session->pipeline();
    if (!p) {
        m_left->graphScene()->clearGraph();
        m_right->graphScene()->clearGraph();
        m_leftModel.reset();
        m_rightModel.reset();
        m_leftGraph = m_rightGraph = nullptr;
        m_outcomes.clear();
        m_moved.clear();
        m_path.clear();
        m_shownPath.clear();
        m_crumbs->hide();
        return;
    }
    // Another model (not a step of this one) starts at its main graph.
    const bool sameModel = m_generation == m_session->generation();
    m_generation = m_session->generation();
    if (!sameModel && !m_path.empty()) {
        m_path.clear();
        emit pathChanged(m_path);
    }
    const std::size_t pos = p->position();
    std::shared_ptr<const Model> left = m_cumulative ? p->originalPtr() : m_session->before();
    std::shared_ptr<const Model> right = p->currentPtr();
    const std::size_t first = m_cumulative ? 0 : (pos > 0 ? pos - 1 : 0);
    m_outcomes = pos > 0 ? provenance(*p, first, pos) : std::map<NodeId, Outcome>{};
    findMoves(first, pos);
    m_leftModel = left;
    m_rightModel = right;
    // A step shows another version of the same graph: the views keep what they show.
    const bool related = sameModel && m_path == m_shownPath;
    m_shownPath = m_path;
    auto show = [this, related](GraphView* view, const std::shared_ptr<const Model>& model, const Graph* graph,
                                const Graph*& shown) {
        if (graph == shown)
            return;
        shown = graph;
        if (!graph) {
            view->graphScene()->clearGraph();
            return;
        }
        // A body is drawn with the outer-scope values it reads as inputs of its own.
        std::shared_ptr<const Graph> g = drawableGraph(model, m_path);
        if (related)
            view->graphScene()->replaceGraph(std::move(g), model->opsetVersion(""));
        else
            view->graphScene()->setGraph(std::move(g), model->opsetVersion(""));
    };
    show(m_left, left, resolvePath(left->graph, m_path), m_leftGraph);
    show(m_right, right, resolvePath(right->graph, m_path), m_rightGraph);
    // The sides may show different versions of a graph shown anew: both open with the groups
    // of the before side's version.
    if (!related && m_leftGraph && m_rightGraph)
        m_right->graphScene()->decideGroupsOn(m_left->graphScene()->graph());
    m_crumbs->setPath(m_leftGraph ? left->graph : right->graph, m_path, m_rootName);

    auto nodes = [](const Graph* g) { return g ? nodeCountText(*g) : tr("no such body"); };
    const QString stepName = pos > 0 ? QString::fromStdString(p->steps()[pos - 1].pass) : QString();
    const QString leftTitle = m_cumulative || pos == 0 ? tr("Before: original (%1)").arg(nodes(m_leftGraph))
                                                       : tr("Before step %1 (%2)").arg(pos).arg(nodes(m_leftGraph));
    const QString rightTitle = pos == 0 ? tr("After: nothing run yet (%1)").arg(nodes(m_rightGraph))
                                        : tr("After step %1, %2 (%3)").arg(pos).arg(stepName, nodes(m_rightGraph));
    for (auto [title, text] : {std::pair{m_leftTitle, leftTitle}, std::pair{m_rightTitle, rightTitle}}) {
        title->setText(text);
        title->setToolTip(text);
    }
    m_leftMissing->setText(m_leftGraph ? QString() : missingText(*left));
    m_rightMissing->setText(m_rightGraph ? QString() : missingText(*right));
    m_leftStack->setCurrentIndex(m_leftGraph ? 0 : 1);
    m_rightStack->setCurrentIndex(m_rightGraph ? 0 : 1);
    applyHighlights();
}

void CompareView::applyHighlights()
{
    GraphScene* ls = m_left->graphScene();
    GraphScene* rs = m_right->graphScene();
    ls->clearHighlights();
    rs->clearHighlights();
    ls->setValueHighlights({});
    const Pipeline* p = m_session->pipeline();
    if (!p || !m_rightModel) {
        emit highlightsApplied();
        return;
    }
    // Initializers merged into an identical one or dropped unused: moved rows on the left.
    QHash<QString, HighlightState> rows;
    if (m_showMoves) {
        const std::size_t last = p->position();
        const std::size_t from = m_cumulative ? 0 : (last > 0 ? last - 1 : 0);
        for (std::size_t s = from; s < last; ++s)
            for (const std::string& name : p->steps()[s].changes.removedInitializers)
                if (!m_readByRemoved.count(name)) // not an input of a fold
                    rows.insert(QString::fromStdString(name), HighlightState::Moved);
    }
    ls->setValueHighlights(rows);
    for (const auto& [id, o] : m_outcomes)
        if (!m_moved.count(id))
            ls->setHighlight(id, stateOf(o.fate));
        else if (m_showMoves)
            ls->setHighlight(id, HighlightState::Moved);
    if (!m_rightGraph) {
        emit highlightsApplied();
        return;
    }
    const std::size_t pos = p->position();
    const std::size_t first = m_cumulative ? 0 : (pos > 0 ? pos - 1 : 0);
    std::set<NodeId> added, changed;
    for (std::size_t s = first; s < pos; ++s) {
        const auto& c = p->steps()[s].changes;
        added.insert(c.added.begin(), c.added.end());
        changed.insert(c.changed.begin(), c.changed.end());
    }
    // Nodes that took over removed work: what they were fused into, and the readers of constants
    // that computations were folded into (a Constant node merely turned initializer changes nothing).
    std::set<std::string> foldedInto;
    for (const auto& [id, o] : m_outcomes) {
        if (o.opType == "Constant")
            continue;
        if (o.intoNode != kNoNode)
            changed.insert(o.intoNode);
        if (!o.intoValue.empty())
            foldedInto.insert(o.intoValue);
    }
    const Graph& after = *m_rightGraph;
    for (const auto& n : after.nodes)
        for (const auto& in : n.inputs)
            if (foldedInto.count(in))
                changed.insert(n.id);
    for (const auto& n : after.nodes) {
        if (added.count(n.id))
            rs->setHighlight(n.id, HighlightState::Added);
        else if (changed.count(n.id))
            rs->setHighlight(n.id, HighlightState::Changed);
    }
    // Left nodes that stayed but were changed.
    if (m_leftGraph)
        for (const auto& n : m_leftGraph->nodes)
            if (!m_outcomes.count(n.id) && changed.count(n.id) && after.findNode(n.id))
                ls->setHighlight(n.id, HighlightState::Changed);
    emit highlightsApplied();
}

NodeId CompareView::counterpartOf(NodeId leftNode) const
{
    if (!m_rightGraph)
        return kNoNode;
    if (m_rightGraph->findNode(leftNode))
        return leftNode;
    auto it = m_outcomes.find(leftNode);
    if (it == m_outcomes.end())
        return kNoNode;
    if (it->second.intoNode != kNoNode)
        return it->second.intoNode;
    if (!it->second.intoValue.empty())
        for (const auto& n : m_rightGraph->nodes)
            for (const auto& in : n.inputs)
                if (in == it->second.intoValue)
                    return n.id;
    return kNoNode;
}

std::vector<NodeId> CompareView::absorbedBy(NodeId rightNode) const
{
    std::vector<NodeId> ids = absorbedInto(m_outcomes, rightNode);
    if (const Node* n = m_rightGraph ? m_rightGraph->findNode(rightNode) : nullptr)
        for (const auto& in : n->inputs)
            if (!in.empty())
                for (NodeId id : absorbedInto(m_outcomes, kNoNode, in))
                    if (std::find(ids.begin(), ids.end(), id) == ids.end())
                        ids.push_back(id);
    return ids;
}

QString CompareView::fateText(bool left, NodeId id) const
{
    const Pipeline* p = m_session->pipeline();
    if (!p || id == kNoNode)
        return {};
    const std::size_t pos = p->position();
    const std::size_t first = m_cumulative ? 0 : (pos > 0 ? pos - 1 : 0);
    auto nodeText = [](const Node* n) {
        return QStringLiteral("'%1' (%2)").arg(QString::fromStdString(n->label()), QString::fromStdString(n->opType));
    };
    auto absorbedText = [&](NodeId node) {
        const std::vector<NodeId> absorbed = absorbedBy(node);
        QStringList names;
        std::set<std::size_t> steps;
        for (NodeId a : absorbed) {
            auto it = m_outcomes.find(a);
            if (it == m_outcomes.end())
                continue;
            names << QString::fromStdString(it->second.label + " (" + it->second.opType + ")");
            steps.insert(it->second.step + 1);
        }
        if (names.isEmpty())
            return QString();
        QStringList stepList;
        for (std::size_t st : steps)
            stepList << QString::number(st);
        return tr("absorbed %1 original node(s) (step %2): %3")
            .arg(names.size())
            .arg(stepList.join(", "), names.join(", "));
    };
    // The step of the range that added or changed a node, or 0.
    auto stepOf = [&](NodeId node, bool added) -> std::size_t {
        for (std::size_t st = first; st < pos; ++st) {
            const auto& c = p->steps()[st].changes;
            const auto& ids = added ? c.added : c.changed;
            if (std::find(ids.begin(), ids.end(), node) != ids.end())
                return st + 1;
        }
        return 0;
    };
    if (left) {
        const NodeId other = counterpartOf(id);
        auto it = m_outcomes.find(id);
        if (it != m_outcomes.end()) {
            const Outcome& o = it->second;
            if (m_moved.count(id)) {
                if (o.intoValue.empty())
                    return tr("'%1' (Constant) became an initializer in step %2, later merged into an identical one or "
                              "dropped unused: a representation move, nothing computed.")
                        .arg(QString::fromStdString(o.label))
                        .arg(o.step + 1);
                return tr("'%1' (Constant) became the initializer '%2' in step %3: a representation move, nothing "
                          "computed.")
                    .arg(QString::fromStdString(o.label), QString::fromStdString(o.intoValue))
                    .arg(o.step + 1);
            }
            QString text = tr("'%1' (%2) was %3").arg(QString::fromStdString(o.label), QString::fromStdString(o.opType),
                                                      QString(fateName(o.fate)));
            if (!o.intoValue.empty())
                text += tr(" into the constant '%1'").arg(QString::fromStdString(o.intoValue));
            if (o.intoNode != kNoNode && m_rightGraph)
                if (const Node* n = m_rightGraph->findNode(o.intoNode))
                    text += (o.fate == Fate::Eliminated ? tr(", replaced by %1") : tr(" into %1")).arg(nodeText(n));
            if (other != kNoNode && o.intoNode == kNoNode && m_rightGraph)
                if (const Node* n = m_rightGraph->findNode(other))
                    text += tr(", read by %1").arg(nodeText(n));
            return text + tr(" in step %1.").arg(o.step + 1);
        }
        if (other == kNoNode)
            return {};
        const Node* n = m_rightGraph ? m_rightGraph->findNode(other) : nullptr;
        if (!n)
            return {};
        const QString absorbed = absorbedText(other);
        if (!absorbed.isEmpty())
            return tr("%1 stays, changed: it %2.").arg(nodeText(n), absorbed);
        if (const std::size_t st = stepOf(other, false))
            return tr("%1 stays, changed in step %2.").arg(nodeText(n)).arg(st);
        return tr("Unchanged node; selected on the right too.");
    }
    const Node* n = m_rightGraph ? m_rightGraph->findNode(id) : nullptr;
    if (!n)
        return {};
    QString text;
    if (const std::size_t st = stepOf(id, true))
        text = tr("%1 was added in step %2 (%3)").arg(nodeText(n)).arg(st).arg(QString::fromStdString(p->steps()[st - 1].pass));
    const QString absorbed = absorbedText(id);
    if (!absorbed.isEmpty())
        text = text.isEmpty() ? tr("%1 %2").arg(nodeText(n), absorbed) : text + tr("; it ") + absorbed;
    if (text.isEmpty()) {
        if (const std::size_t st = stepOf(id, false))
            text = tr("%1 was changed in step %2 (%3)").arg(nodeText(n)).arg(st).arg(QString::fromStdString(p->steps()[st - 1].pass));
        else if (m_leftGraph && m_leftGraph->findNode(id))
            return tr("Unchanged node; selected on the left too.");
        else
            return {};
    }
    return text + QLatin1Char('.');
}

void CompareView::onLeftSelected(NodeId id)
{
    if (m_syncing)
        return;
    m_syncing = true;
    // The text first: the inspector reads it when told of the selection.
    m_link->setText(fateText(true, id));
    const NodeId other = id == kNoNode ? kNoNode : counterpartOf(id);
    m_right->graphScene()->selectNode(other);
    if (other != kNoNode && viewportSync())
        m_right->centerOnNode(other, false);
    m_syncing = false;
    emit nodeSelected(true, id);
}

void CompareView::onRightSelected(NodeId id)
{
    if (m_syncing)
        return;
    m_syncing = true;
    m_link->setText(fateText(false, id));
    NodeId other = kNoNode;
    if (id != kNoNode) {
        other = m_leftGraph && m_leftGraph->findNode(id) ? id : kNoNode;
        const std::vector<NodeId> absorbed = absorbedBy(id);
        if (other == kNoNode && !absorbed.empty())
            other = absorbed.front();
    }
    m_left->graphScene()->selectNode(other);
    if (other != kNoNode && viewportSync())
        m_left->centerOnNode(other, false);
    m_syncing = false;
    emit nodeSelected(false, id);
}

bool CompareView::showChange(NodeId left, bool selectLeft, NodeId right, bool selectRight)
{
    // Open what hides either node on both sides at once (one layout per side, not one for each
    // side's node and another when the sides sync their groups).
    GraphScene* leftScene = m_left->graphScene();
    GraphScene* rightScene = m_right->graphScene();
    std::set<std::string> open = leftScene->collapsedGroups();
    for (auto [scene, id, graph] : {std::tuple{leftScene, left, m_leftGraph}, std::tuple{rightScene, right, m_rightGraph}})
        if (graph && id != kNoNode)
            for (const std::string& g : scene->groupsHiding(id))
                open.erase(g);
    leftScene->setCollapsedGroups(open);
    rightScene->setCollapsedGroups(open);
    m_syncing = true;
    m_left->graphScene()->selectNode(selectLeft && m_leftGraph ? left : kNoNode);
    m_right->graphScene()->selectNode(selectRight && m_rightGraph ? right : kNoNode);
    m_syncing = false;
    const bool leftSide = selectLeft || !selectRight;
    const NodeId shown = leftSide ? (selectLeft ? left : kNoNode) : right;
    m_link->setText(fateText(leftSide, shown));
    // Close enough to read; synced sides at one scale.
    auto readable = [](qreal z) { return z < NodeItem::kTextLod ? 1.0 : z; };
    const qreal shared = readable(std::min(m_left->zoom(), m_right->zoom()));
    bool ok = true;
    for (auto [view, id, graph] : {std::tuple{m_left, left, m_leftGraph}, std::tuple{m_right, right, m_rightGraph}})
        if (graph && id != kNoNode)
            ok = view->centerExactly(id, viewportSync() ? shared : readable(view->zoom())) && ok;
    emit nodeSelected(leftSide, shown);
    return ok;
}

void CompareView::onUserZoomed(GraphView* from, qreal zoom)
{
    if (!viewportSync() || m_syncing)
        return;
    m_syncing = true;
    GraphView* other = from == m_left ? m_right : m_left;
    other->setZoom(zoom);
    m_syncing = false;
}

void CompareView::onUserScrolled(GraphView* from, QPoint delta)
{
    if (!viewportSync() || m_syncing)
        return;
    m_syncing = true;
    GraphView* other = from == m_left ? m_right : m_left;
    other->horizontalScrollBar()->setValue(other->horizontalScrollBar()->value() + delta.x());
    other->verticalScrollBar()->setValue(other->verticalScrollBar()->value() + delta.y());
    m_syncing = false;
}

void CompareView::shareZoom()
{
    if (!viewportSync() || !m_leftGraph || !m_rightGraph || !m_left->graphScene()->isLayoutComplete()
        || !m_right->graphScene()->isLayoutComplete())
        return;
    const qreal z = std::min(m_left->zoom(), m_right->zoom());
    m_left->followZoom(z);
    m_right->followZoom(z);
}

void CompareView::fitAll()
{
    const bool both = m_leftGraph && m_rightGraph;
    if (!both) {
        for (GraphView* v : {m_left, m_right})
            if (v->isVisible())
                v->fitAll();
        return;
    }
    m_syncing = true;
    const qreal cap = viewportSync() ? std::min(m_left->fitZoom(), m_right->fitZoom()) : GraphView::kMaxZoom;
    m_left->fitAll(cap);
    m_right->fitAll(cap);
    m_syncing = false;
}

QString CompareView::leftTitle() const { return m_leftTitle->text(); }
QString CompareView::rightTitle() const { return m_rightTitle->text(); }

} // namespace netfold
