#include "SearchPanel.h"

#include "GraphScene.h"
#include "GraphView.h"
#include "UiText.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace netfold {

namespace {
constexpr int kLimit = 1000;
constexpr int kNodeRole = Qt::UserRole;
constexpr int kLayoutRole = Qt::UserRole + 1;
constexpr int kViewRole = Qt::UserRole + 2;
} // namespace

SearchPanel::SearchPanel(GraphView* view, QWidget* parent)
    : QWidget(parent), m_view(view), m_field(new QLineEdit(this)), m_results(new QListWidget(this)),
      m_side(new QComboBox(this)), m_count(new QLabel(this)), m_debounce(new QTimer(this))
{
    m_side->setObjectName(QStringLiteral("searchSide"));
    m_side->addItems({tr("Both sides"), tr("Before"), tr("After")});
    m_side->setToolTip(tr("Which side of the side by side to search"));
    m_side->hide();
    connect(m_side, &QComboBox::currentIndexChanged, this, [this] { search(m_field->text()); });
    m_field->setPlaceholderText(tr("Node name, op type or value name"));
    m_field->setClearButtonEnabled(true);
    m_field->setObjectName(QStringLiteral("searchField"));
    m_results->setObjectName(QStringLiteral("searchResults"));
    m_results->setUniformItemSizes(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_field);
    layout->addWidget(m_side);
    layout->addWidget(m_count);
    layout->addWidget(m_results, 1);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(150);
    connect(m_field, &QLineEdit::textChanged, m_debounce, qOverload<>(&QTimer::start));
    connect(m_debounce, &QTimer::timeout, this, [this] { search(m_field->text()); });
    connect(m_field, &QLineEdit::returnPressed, this, [this] {
        if (m_debounce->isActive()) {
            m_debounce->stop();
            search(m_field->text());
        }
        if (m_results->count() > 0) {
            const int next = m_results->currentRow() < 0 ? 0 : (m_results->currentRow() + 1) % m_results->count();
            m_results->setCurrentRow(next);
            choose(m_results->currentItem());
        }
    });
    connect(m_results, &QListWidget::itemActivated, this, &SearchPanel::choose);
    connect(m_results, &QListWidget::itemClicked, this, &SearchPanel::choose);
    watch(view);
}

void SearchPanel::watch(GraphView* view)
{
    connect(view->graphScene(), &GraphScene::layoutStarted, this, [this, view] {
        if (views().contains(view)) {
            m_results->clear();
            m_count->clear();
        }
    });
    connect(view->graphScene(), &GraphScene::layoutFinished, this, [this, view] {
        if (views().contains(view) && !m_field->text().trimmed().isEmpty())
            search(m_field->text());
    });
}

void SearchPanel::setSides(GraphView* before, GraphView* after)
{
    if (before == m_before && after == m_after)
        return;
    for (GraphView* v : {before, after})
        if (v && v != m_before && v != m_after)
            watch(v);
    m_before = before;
    m_after = after;
    m_side->setVisible(before && after);
    search(m_field->text());
}

QList<GraphView*> SearchPanel::views() const
{
    if (!m_before || !m_after)
        return {m_view};
    switch (m_side->currentIndex()) {
    case 1: return {m_before};
    case 2: return {m_after};
    default: return {m_after, m_before};
    }
}

void SearchPanel::activate()
{
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
}

void SearchPanel::search(const QString& text)
{
    m_results->clear();
    const QList<GraphView*> searched = views();
    const bool both = searched.size() > 1;
    int total = 0;
    for (int v = 0; v < searched.size(); ++v) {
        GraphScene* scene = searched[v]->graphScene();
        const auto hits = scene->search(text, kLimit);
        for (const GraphScene::SearchHit& h : hits) {
            // Both sides: a node on both is listed once (shown on both); the before side adds
            // what the steps removed.
            if (both && v > 0 && h.id != kNoNode && searched[0]->graphScene()->nodeItem(h.id))
                continue;
            if (both && v > 0 && h.id == kNoNode)
                continue;
            const QString where = !both ? QString() : v == 0 ? QString() : tr(" (before only)");
            auto* item = new QListWidgetItem(h.text + where, m_results);
            item->setData(kNodeRole, static_cast<qulonglong>(h.id));
            item->setData(kLayoutRole, h.layoutNode);
            item->setData(kViewRole, v);
            item->setToolTip(tr("matched %1").arg(h.matched));
            ++total;
        }
    }
    if (text.trimmed().isEmpty())
        m_count->clear();
    else if (total >= kLimit)
        m_count->setText(tr("first %1 matches").arg(kLimit));
    else
        m_count->setText(total == 0 ? tr("no match") : countOf(total, tr("match"), tr("matches")));
}

void SearchPanel::choose(QListWidgetItem* item)
{
    if (!item)
        return;
    const NodeId id = static_cast<NodeId>(item->data(kNodeRole).toULongLong());
    const int layoutNode = item->data(kLayoutRole).toInt();
    const QList<GraphView*> searched = views();
    const int v = item->data(kViewRole).toInt();
    if (v < 0 || v >= searched.size())
        return;
    GraphView* view = searched[v];
    GraphScene* scene = view->graphScene();
    if (id != kNoNode)
        scene->selectNode(id);
    else
        scene->selectLayoutNode(layoutNode, kNoNode);
    view->centerOnLayoutNode(layoutNode);
    // Both sides: the node is centred on the other side too, where it is.
    if (searched.size() > 1 && id != kNoNode)
        for (GraphView* other : searched)
            if (other != view && other->graphScene()->nodeItem(id))
                other->centerOnNode(id, false);
}

} // namespace netfold
