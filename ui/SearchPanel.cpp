#include "SearchPanel.h"

#include "GraphScene.h"
#include "GraphView.h"
#include "UiText.h"

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
} // namespace

SearchPanel::SearchPanel(GraphView* view, QWidget* parent)
    : QWidget(parent), m_view(view), m_field(new QLineEdit(this)), m_results(new QListWidget(this)),
      m_count(new QLabel(this)), m_debounce(new QTimer(this))
{
    m_field->setPlaceholderText(tr("Node name, op type or value name"));
    m_field->setClearButtonEnabled(true);
    m_field->setObjectName(QStringLiteral("searchField"));
    m_results->setObjectName(QStringLiteral("searchResults"));
    m_results->setUniformItemSizes(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_field);
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
    connect(view->graphScene(), &GraphScene::layoutStarted, this, [this] {
        m_results->clear();
        m_count->clear();
    });
    connect(view->graphScene(), &GraphScene::layoutFinished, this, [this] {
        if (!m_field->text().trimmed().isEmpty())
            search(m_field->text());
    });
}

void SearchPanel::activate()
{
    m_field->setFocus(Qt::ShortcutFocusReason);
    m_field->selectAll();
}

void SearchPanel::search(const QString& text)
{
    m_results->clear();
    const auto hits = m_view->graphScene()->search(text, kLimit);
    for (const GraphScene::SearchHit& h : hits) {
        auto* item = new QListWidgetItem(h.text, m_results);
        item->setData(kNodeRole, static_cast<qulonglong>(h.id));
        item->setData(kLayoutRole, h.layoutNode);
        item->setToolTip(tr("matched %1").arg(h.matched));
    }
    if (text.trimmed().isEmpty())
        m_count->clear();
    else if (hits.size() >= kLimit)
        m_count->setText(tr("first %1 matches").arg(kLimit));
    else
        m_count->setText(hits.isEmpty() ? tr("no match") : countOf(hits.size(), tr("match"), tr("matches")));
}

void SearchPanel::choose(QListWidgetItem* item)
{
    if (!item)
        return;
    const NodeId id = static_cast<NodeId>(item->data(kNodeRole).toULongLong());
    const int layoutNode = item->data(kLayoutRole).toInt();
    GraphScene* scene = m_view->graphScene();
    if (id != kNoNode)
        scene->selectNode(id);
    else
        scene->selectLayoutNode(layoutNode, kNoNode);
    m_view->centerOnLayoutNode(layoutNode);
}

} // namespace netfold
