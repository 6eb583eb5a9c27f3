#include "CompareView.h"

#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "SimplifySession.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

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
    const GraphStyle& style = GraphStyle::standard();
    struct Item {
        HighlightState state;
        QString text;
        QString tip;
    };
    const Item items[] = {
        {HighlightState::Folded, QObject::tr("folded"), QObject::tr("Left: computed ahead of time and folded into a constant")},
        {HighlightState::Removed, QObject::tr("eliminated"), QObject::tr("Left: removed as a no-op or dead code")},
        {HighlightState::Fused, QObject::tr("fused"), QObject::tr("Left: merged into another node")},
        {HighlightState::Added, QObject::tr("added"), QObject::tr("Right: created by a pass")},
        {HighlightState::Changed, QObject::tr("changed"),
         QObject::tr("Both sides: took over removed work (a fused node, a reader of a new constant)")}};
    for (const Item& item : items) {
        auto* swatch = new QLabel(w);
        swatch->setFixedSize(14, 14);
        swatch->setStyleSheet(QString("background:%1;border:1px solid #666;border-radius:3px;")
                                  .arg(style.stateColor(item.state).name()));
        swatch->setToolTip(item.tip);
        row->addWidget(swatch);
        auto* label = new QLabel(item.text, w);
        label->setToolTip(item.tip);
        row->addWidget(label);
        row->addSpacing(10);
    }
    row->addStretch();
    w->setObjectName("legend");
    return w;
}

} // namespace

CompareView::CompareView(SimplifySession* session, QWidget* parent) : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    auto* top = new QHBoxLayout;
    top->setContentsMargins(6, 2, 6, 2);
    top->addWidget(legend(this), 1);
    m_syncViewport = new QCheckBox(tr("Sync viewports"), this);
    m_syncViewport->setChecked(true);
    m_syncViewport->setToolTip(tr("Zoom and centre the other side on the counterpart of the selection"));
    top->addWidget(m_syncViewport);
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Horizontal, this);
    auto makeSide = [&](QLabel*& title, GraphView*& view, const QString& name) {
        auto* side = new QWidget(split);
        auto* v = new QVBoxLayout(side);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(0);
        title = new QLabel(side);
        title->setStyleSheet("QLabel { background: #eef1f5; padding: 3px 6px; font-weight: bold; }");
        v->addWidget(title);
        view = new GraphView(nullptr, side);
        view->setObjectName(name);
        v->addWidget(view, 1);
    };
    makeSide(m_leftTitle, m_left, "beforeView");
    makeSide(m_rightTitle, m_right, "afterView");
    layout->addWidget(split, 1);
    m_link = new QLabel(this);
    m_link->setObjectName("linkText");
    m_link->setWordWrap(true);
    m_link->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_link);

    connect(m_left->graphScene(), &GraphScene::nodeSelected, this, &CompareView::onLeftSelected);
    connect(m_right->graphScene(), &GraphScene::nodeSelected, this, &CompareView::onRightSelected);
    connect(m_left->graphScene(), &GraphScene::valueSelected, this, [this](const QString& v) { emit valueSelected(true, v); });
    connect(m_right->graphScene(), &GraphScene::valueSelected, this, [this](const QString& v) { emit valueSelected(false, v); });
    // Highlights must be re-applied once the items exist.
    connect(m_left->graphScene(), &GraphScene::layoutFinished, this, [this] { applyHighlights(); });
    connect(m_right->graphScene(), &GraphScene::layoutFinished, this, [this] { applyHighlights(); });
    connect(session, &SimplifySession::changed, this, &CompareView::refresh);
}

void CompareView::setCumulative(bool cumulative)
{
    if (m_cumulative == cumulative)
        return;
    m_cumulative = cumulative;
    refresh();
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
        m_outcomes.clear();
        return;
    }
    const std::size_t pos = p->position();
    std::shared_ptr<const Model> left = m_cumulative ? p->originalPtr() : m_session->before();
    std::shared_ptr<const Model> right = p->currentPtr();
    const std::size_t first = m_cumulative ? 0 : (pos > 0 ? pos - 1 : 0);
    m_outcomes = pos > 0 ? provenance(*p, first, pos) : std::map<NodeId, Outcome>{};
    // A step shows another version of the same graph: the views keep what they show.
    const bool related = m_generation == m_session->generation();
    m_generation = m_session->generation();
    auto show = [related](GraphView* view, const std::shared_ptr<const Model>& model) {
        std::shared_ptr<const Graph> graph(model, &model->graph);
        if (related)
            view->graphScene()->replaceGraph(std::move(graph), model->opsetVersion(""));
        else
            view->graphScene()->setGraph(std::move(graph), model->opsetVersion(""));
    };
    if (left != m_leftModel) {
        m_leftModel = left;
        show(m_left, left);
    }
    if (right != m_rightModel) {
        m_rightModel = right;
        show(m_right, right);
    }
    const QString stepName = pos > 0 ? QString::fromStdString(p->steps()[pos - 1].pass) : QString();
    m_leftTitle->setText(m_cumulative || pos == 0 ? tr("Before: original (%1 nodes)").arg(left->graph.nodes.size())
                                                  : tr("Before step %1 (%2 nodes)").arg(pos).arg(left->graph.nodes.size()));
    m_rightTitle->setText(pos == 0 ? tr("After: nothing run yet (%1 nodes)").arg(right->graph.nodes.size())
                                   : tr("After step %1, %2 (%3 nodes)").arg(pos).arg(stepName).arg(right->graph.nodes.size()));
    applyHighlights();
}

void CompareView::applyHighlights()
{
    GraphScene* ls = m_left->graphScene();
    GraphScene* rs = m_right->graphScene();
    ls->clearHighlights();
    rs->clearHighlights();
    const Pipeline* p = m_session->pipeline();
    if (!p || !m_rightModel)
        return;
    for (const auto& [id, o] : m_outcomes)
        ls->setHighlight(id, stateOf(o.fate));
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
    const Graph& after = m_rightModel->graph;
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
    if (m_leftModel)
        for (const auto& n : m_leftModel->graph.nodes)
            if (!m_outcomes.count(n.id) && changed.count(n.id) && after.findNode(n.id))
                ls->setHighlight(n.id, HighlightState::Changed);
}

NodeId CompareView::counterpartOf(NodeId leftNode) const
{
    if (!m_rightModel)
        return kNoNode;
    if (m_rightModel->graph.findNode(leftNode))
        return leftNode;
    auto it = m_outcomes.find(leftNode);
    if (it == m_outcomes.end())
        return kNoNode;
    if (it->second.intoNode != kNoNode)
        return it->second.intoNode;
    if (!it->second.intoValue.empty())
        for (const auto& n : m_rightModel->graph.nodes)
            for (const auto& in : n.inputs)
                if (in == it->second.intoValue)
                    return n.id;
    return kNoNode;
}

std::vector<NodeId> CompareView::absorbedBy(NodeId rightNode) const
{
    std::vector<NodeId> ids = absorbedInto(m_outcomes, rightNode);
    if (const Node* n = m_rightModel ? m_rightModel->graph.findNode(rightNode) : nullptr)
        for (const auto& in : n->inputs)
            if (!in.empty())
                for (NodeId id : absorbedInto(m_outcomes, kNoNode, in))
                    if (std::find(ids.begin(), ids.end(), id) == ids.end())
                        ids.push_back(id);
    return ids;
}

void CompareView::onLeftSelected(NodeId id)
{
    if (m_syncing)
        return;
    emit nodeSelected(true, id);
    if (id == kNoNode)
        return;
    m_syncing = true;
    const NodeId other = counterpartOf(id);
    auto it = m_outcomes.find(id);
    if (it != m_outcomes.end()) {
        const Outcome& o = it->second;
        QString text = tr("'%1' (%2) was %3").arg(QString::fromStdString(o.label), QString::fromStdString(o.opType),
                                                  QString(fateName(o.fate)));
        if (!o.intoValue.empty())
            text += tr(" into the constant '%1'").arg(QString::fromStdString(o.intoValue));
        if (o.intoNode != kNoNode)
            if (const Node* n = m_rightModel->graph.findNode(o.intoNode))
                text += tr(" into '%1' (%2)").arg(QString::fromStdString(n->label()), QString::fromStdString(n->opType));
        if (other != kNoNode && o.intoNode == kNoNode)
            if (const Node* n = m_rightModel->graph.findNode(other))
                text += tr(", read by '%1' (%2)").arg(QString::fromStdString(n->label()), QString::fromStdString(n->opType));
        text += tr(" in step %1.").arg(o.step + 1);
        m_link->setText(text);
    } else {
        m_link->setText(other != kNoNode ? tr("Unchanged node; selected on the right too.") : QString());
    }
    if (other != kNoNode) {
        m_right->graphScene()->selectNode(other);
        if (viewportSync())
            m_right->centerOnNode(other, false);
    } else {
        m_right->graphScene()->selectNode(kNoNode);
    }
    m_syncing = false;
}

void CompareView::onRightSelected(NodeId id)
{
    if (m_syncing)
        return;
    emit nodeSelected(false, id);
    if (id == kNoNode)
        return;
    m_syncing = true;
    const std::vector<NodeId> absorbed = absorbedBy(id);
    if (!absorbed.empty()) {
        QStringList names;
        for (NodeId a : absorbed) {
            auto it = m_outcomes.find(a);
            if (it != m_outcomes.end())
                names << QString::fromStdString(it->second.label + " (" + it->second.opType + ")");
        }
        m_link->setText(tr("Absorbed %1 original node(s): %2").arg(absorbed.size()).arg(names.join(", ")));
    } else {
        m_link->setText(QString());
    }
    NodeId other = m_leftModel && m_leftModel->graph.findNode(id) ? id : kNoNode;
    if (other == kNoNode && !absorbed.empty())
        other = absorbed.front();
    m_left->graphScene()->selectNode(other);
    if (other != kNoNode && viewportSync())
        m_left->centerOnNode(other, false);
    m_syncing = false;
}

} // namespace netfold
