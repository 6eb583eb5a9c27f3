#include "ChangeNavigator.h"

#include "CompareView.h"
#include "GraphScene.h"
#include "GraphStyle.h"
#include "GraphView.h"
#include "MainWindow.h"
#include "Minimap.h"
#include "PassTimeline.h"
#include "SimplifySession.h"
#include "UiText.h"

#include <QAction>
#include <QCheckBox>
#include <QDockWidget>
#include <QScrollArea>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QPixmap>
#include <QStyledItemDelegate>
#include <QTimer>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace netfold {

namespace {

constexpr int kEntryRole = Qt::UserRole + 1;

HighlightState stateOf(ChangeKind kind)
{
    switch (kind) {
    case ChangeKind::Folded: return HighlightState::Folded;
    case ChangeKind::Fused: return HighlightState::Fused;
    case ChangeKind::Eliminated: return HighlightState::Removed;
    case ChangeKind::Added: return HighlightState::Added;
    case ChangeKind::Changed: return HighlightState::Changed;
    }
    return HighlightState::None;
}

QIcon swatch(ChangeKind kind)
{
    QPixmap pm(12, 12);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setPen(QColor(0x66, 0x66, 0x66));
    p.setBrush(GraphStyle::standard().stateColor(stateOf(kind)));
    p.drawRoundedRect(QRectF(0.5, 0.5, 11, 11), 2, 2);
    return QIcon(pm);
}

/// "3", "2-4" or "1, 3, 7" (1-based).
QString stepsText(const std::vector<std::size_t>& steps)
{
    if (steps.empty())
        return {};
    bool consecutive = true;
    for (std::size_t i = 1; i < steps.size(); ++i)
        consecutive = consecutive && steps[i] == steps[i - 1] + 1;
    if (steps.size() == 1)
        return QString::number(steps.front() + 1);
    if (consecutive)
        return QStringLiteral("%1-%2").arg(steps.front() + 1).arg(steps.back() + 1);
    QStringList parts;
    for (std::size_t s : steps)
        parts << QString::number(s + 1);
    return parts.join(QStringLiteral(", "));
}

/// Entries wrap onto as many lines as the column needs (a chain's text is long; its end says
/// where it went).
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView* view) : QStyledItemDelegate(view), m_view(view) {}
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override
    {
        QSize size = QStyledItemDelegate::sizeHint(option, index);
        if (index.column() != 0 || !index.parent().isValid())
            return size;
        QStyleOptionViewItem opt(option);
        initStyleOption(&opt, index);
        const int margin = m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1;
        const int width = m_view->columnWidth(0) - 2 * m_view->indentation() - opt.decorationSize.width() - 4 * margin;
        if (width < 40)
            return size;
        const QRect r = opt.fontMetrics.boundingRect(QRect(0, 0, width, 100000), Qt::TextWordWrap, opt.text);
        size.setHeight(std::max(size.height(), r.height() + 2 * margin));
        return size;
    }

private:
    QTreeView* m_view;
};

} // namespace

ChangeNavigator::ChangeNavigator(SimplifySession* session, CompareView* compare, QWidget* parent)
    : QWidget(parent), m_session(session), m_compare(compare)
{
    setObjectName(QStringLiteral("changeNavigator"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->setSpacing(4);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("changeSummary"));
    m_summary->setWordWrap(true);
    layout->addWidget(m_summary);

    auto* filters = new QGridLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->setHorizontalSpacing(8);
    filters->setVerticalSpacing(0);
    for (int k = 0; k < kChangeKindCount; ++k) {
        const auto kind = static_cast<ChangeKind>(k);
        auto* box = new QCheckBox(QString::fromLatin1(changeKindName(kind)), this);
        box->setObjectName(QStringLiteral("filter_%1").arg(QString::fromLatin1(changeKindName(kind))));
        box->setChecked(true);
        box->setToolTip(tr("List %1 changes").arg(QString::fromLatin1(changeKindName(kind))));
        connect(box, &QCheckBox::toggled, this, &ChangeNavigator::refill);
        m_filters[static_cast<std::size_t>(k)] = box;
        filters->addWidget(box, k / 2, k % 2);
    }
    filters->setColumnStretch(2, 1);
    layout->addLayout(filters);

    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("changeList"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Change"), tr("Step")});
    m_tree->setRootIsDecorated(true);
    m_tree->setWordWrap(true);
    m_tree->setUniformRowHeights(false);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->setItemDelegate(new WrappingDelegate(m_tree));
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    // Rows take their wrapped heights again once the column has its new width (once per change
    // of width: a scroll bar coming or going changes it too).
    auto* relayout = new QTimer(this);
    relayout->setSingleShot(true);
    connect(relayout, &QTimer::timeout, m_tree, [this] {
        if (m_tree->columnWidth(0) != m_wrapWidth) {
            m_wrapWidth = m_tree->columnWidth(0);
            m_tree->doItemsLayout();
        }
    });
    connect(m_tree->header(), &QHeaderView::sectionResized, relayout, [relayout](int section) {
        if (section == 0)
            relayout->start(0);
    });
    m_tree->setMinimumHeight(60);
    layout->addWidget(m_tree, 1);
    connect(m_tree, &QTreeWidget::currentItemChanged, this,
            [this](QTreeWidgetItem* item) { onCurrentItemChanged(item); });
    // Clicking the entry already current shows it again (after the user has moved the views).
    connect(m_tree, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) {
        const QVariant v = item ? item->data(0, kEntryRole) : QVariant();
        if (v.isValid() && v.toInt() == m_current && m_pending < 0)
            showEntry(m_current);
    });

    m_previous = new QAction(tr("&Previous Change"), this);
    m_previous->setObjectName(QStringLiteral("previousChange"));
    m_previous->setIconText(tr("Previous"));
    m_previous->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_F8));
    m_previous->setToolTip(tr("Select and centre the previous change on both sides (Shift+F8)"));
    connect(m_previous, &QAction::triggered, this, &ChangeNavigator::previous);
    m_next = new QAction(tr("&Next Change"), this);
    m_next->setObjectName(QStringLiteral("nextChange"));
    m_next->setIconText(tr("Next"));
    m_next->setShortcut(QKeySequence(Qt::Key_F8));
    m_next->setToolTip(tr("Select and centre the next change on both sides (F8)"));
    connect(m_next, &QAction::triggered, this, &ChangeNavigator::next);
    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    for (QAction* a : {m_previous, m_next}) {
        auto* b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        row->addWidget(b);
    }
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("changeStatus"));
    m_status->setWordWrap(true);
    row->addWidget(m_status, 1);
    layout->addLayout(row);

    connect(session, &SimplifySession::changed, this, &ChangeNavigator::rebuild);
    for (GraphView* v : {compare->leftView(), compare->rightView()})
        connect(v->graphScene(), &GraphScene::layoutFinished, this, &ChangeNavigator::applyPending);
    rebuild();
}

QTreeWidgetItem* ChangeNavigator::itemOf(int entry) const
{
    ensureBuilt();
    return entry >= 0 && entry < int(m_items.size()) ? m_items[std::size_t(entry)] : nullptr;
}

void ChangeNavigator::rebuild()
{
    m_dirty = true;
    m_pending = -1;
    m_current = -1;
    if (isVisible() && !visibleRegion().isEmpty()) {
        build();
        return;
    }
    // F8 builds it.
    const Pipeline* p = m_session->pipeline();
    m_next->setEnabled(p && p->position() > 0);
    m_previous->setEnabled(p && p->position() > 0);
    emit entriesChanged(-1);
}

void ChangeNavigator::ensureBuilt() const
{
    if (m_dirty)
        const_cast<ChangeNavigator*>(this)->build();
}

void ChangeNavigator::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    ensureBuilt();
}

void ChangeNavigator::build()
{
    m_dirty = false;
    m_entries.clear();
    m_current = -1;
    m_pending = -1;
    m_status->clear();
    const Pipeline* p = m_session->pipeline();
    if (p && p->position() > 0) {
        const std::size_t pos = p->position();
        m_entries = changeList(*p, m_compare->cumulative() ? 0 : pos - 1, pos);
    }
    refill();
}

void ChangeNavigator::refill()
{
    m_filling = true;
    m_tree->clear();
    m_items.assign(m_entries.size(), nullptr);
    m_listed.clear();
    std::array<int, kChangeKindCount> counts{};
    for (const ChangeEntry& e : m_entries)
        ++counts[static_cast<std::size_t>(e.kind)];
    for (int k = 0; k < kChangeKindCount; ++k) {
        QCheckBox* box = m_filters[std::size_t(k)];
        box->setText(QStringLiteral("%1 %2").arg(QString::fromLatin1(changeKindName(ChangeKind(k)))).arg(counts[std::size_t(k)]));
        // Nothing of a kind: nothing to filter (a box the user cleared stays usable).
        box->setEnabled(counts[std::size_t(k)] > 0 || !box->isChecked());
    }

    const GraphStyle& style = GraphStyle::standard();
    QTreeWidgetItem* group = nullptr;
    QList<QTreeWidgetItem*> groups;
    for (std::size_t i = 0; i < m_entries.size(); ++i) {
        const ChangeEntry& e = m_entries[i];
        if (!m_filters[static_cast<std::size_t>(e.kind)]->isChecked())
            continue;
        const QString scope = QString::fromStdString(e.scope);
        if (!group || group->data(0, Qt::UserRole).toString() != scope) {
            group = new QTreeWidgetItem;
            group->setData(0, Qt::UserRole, scope);
            groups << group;
        }
        auto* item = new QTreeWidgetItem(group);
        const QString text = QString::fromStdString(e.text);
        item->setText(0, text);
        item->setIcon(0, swatch(e.kind));
        item->setData(0, kEntryRole, int(i));
        item->setText(1, stepsText(e.steps));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignTop);
        QStringList passes;
        if (const Pipeline* p = m_session->pipeline())
            for (std::size_t s : e.steps)
                if (s < p->steps().size())
                    passes << tr("step %1: %2").arg(s + 1).arg(QString::fromStdString(p->steps()[s].pass));
        item->setToolTip(0, tr("%1 (%2, %3 node(s) removed)\n%4")
                                .arg(text, QString::fromLatin1(changeKindName(e.kind)))
                                .arg(e.removed.size())
                                .arg(passes.join(QLatin1Char('\n'))));
        item->setToolTip(1, passes.join(QLatin1Char('\n')));
        m_items[i] = item;
        m_listed.push_back(int(i));
    }
    for (QTreeWidgetItem* g : std::as_const(groups)) {
        const QString scope = g->data(0, Qt::UserRole).toString();
        g->setText(0, QStringLiteral("%1  (%2)").arg(scope.isEmpty() ? tr("top level") : scope).arg(g->childCount()));
        g->setToolTip(0, tr("Name scope %1").arg(scope.isEmpty() ? tr("(none)") : scope));
        QFont f = g->font(0);
        f.setBold(true);
        g->setFont(0, f);
        g->setForeground(0, style.background.lightness() < 128 ? QColor(0xd0, 0xd3, 0xd8) : QColor(0x33, 0x36, 0x3b));
        g->setFlags(Qt::ItemIsEnabled);
    }
    m_tree->addTopLevelItems(groups);
    for (QTreeWidgetItem* g : std::as_const(groups))
        g->setFirstColumnSpanned(true);
    m_tree->expandAll();
    if (QTreeWidgetItem* item = itemOf(m_current))
        m_tree->setCurrentItem(item);
    m_filling = false;

    const Pipeline* p = m_session->pipeline();
    if (!p || p->position() == 0)
        m_summary->setText(tr("No changes yet: step (F10) or run to the end (F5)."));
    else if (m_entries.empty())
        m_summary->setText(m_compare->cumulative() ? tr("No node changed in steps 1-%1.").arg(p->position())
                                                   : tr("Step %1 changed no node (%2).")
                                                         .arg(p->position())
                                                         .arg(QString::fromStdString(p->steps()[p->position() - 1].pass)));
    else
        m_summary->setText((m_compare->cumulative() && p->position() > 1 ? tr("%1 in steps 1-%2, in %3:") : tr("%1 in step %2, in %3:"))
                               .arg(countOf(qint64(m_entries.size()), tr("change"), tr("changes")))
                               .arg(p->position())
                               .arg(countOf(groups.size(), tr("scope"), tr("scopes"))));
    m_next->setEnabled(!m_listed.empty());
    m_previous->setEnabled(!m_listed.empty());
    emit entriesChanged(int(m_entries.size()));
}

void ChangeNavigator::next() { step(+1); }
void ChangeNavigator::previous() { step(-1); }

void ChangeNavigator::step(int delta)
{
    ensureBuilt();
    if (m_listed.empty())
        return;
    const int n = int(m_listed.size());
    const auto it = std::find(m_listed.begin(), m_listed.end(), m_current);
    int at = 0;
    bool wrapped = false;
    if (it == m_listed.end()) {
        at = delta > 0 ? 0 : n - 1;
    } else {
        at = int(it - m_listed.begin()) + delta;
        wrapped = at < 0 || at >= n;
        at = (at % n + n) % n;
    }
    showEntry(m_listed[std::size_t(at)]);
    QString text = tr("Change %1 of %2").arg(at + 1).arg(n);
    if (wrapped)
        text += delta > 0 ? tr(" (wrapped to the first)") : tr(" (wrapped to the last)");
    m_status->setText(text);
}

void ChangeNavigator::onCurrentItemChanged(QTreeWidgetItem* item)
{
    if (m_filling || !item)
        return;
    const QVariant v = item->data(0, kEntryRole);
    if (!v.isValid())
        return;
    showEntry(v.toInt());
    const auto it = std::find(m_listed.begin(), m_listed.end(), m_current);
    if (it != m_listed.end())
        m_status->setText(tr("Change %1 of %2").arg(int(it - m_listed.begin()) + 1).arg(m_listed.size()));
}

void ChangeNavigator::showEntry(int entry)
{
    ensureBuilt();
    if (entry < 0 || entry >= int(m_entries.size()))
        return;
    m_current = entry;
    if (QTreeWidgetItem* item = itemOf(entry)) {
        m_filling = true;
        m_tree->setCurrentItem(item);
        m_tree->scrollToItem(item);
        m_filling = false;
    }
    emit compareWanted();
    const ChangeEntry& e = m_entries[std::size_t(entry)];
    if (m_compare->path() != e.path)
        m_compare->setPath(e.path);
    m_pending = entry;
    applyPending();
}

void ChangeNavigator::applyPending()
{
    if (m_pending < 0 || m_pending >= int(m_entries.size()))
        return;
    // Both sides drawn first (a step or a body shown starts a layout).
    auto ready = [](GraphView* v, const Graph* graph) {
        return !graph || (v->graphScene()->isLayoutComplete() && !v->graphScene()->isLayoutRunning());
    };
    if (!ready(m_compare->leftView(), m_compare->leftGraph()) || !ready(m_compare->rightView(), m_compare->rightGraph()))
        return;
    const int entry = m_pending;
    m_pending = -1;
    const ChangeEntry& e = m_entries[std::size_t(entry)];
    m_compare->showChange(e.beforeFocus, e.beforeFocusIsChange, e.afterFocus, e.afterFocusIsChange);
    emit entryShown(entry);
}

ChangeNavigator* installChangeNavigator(MainWindow* window)
{
    auto* navigator = new ChangeNavigator(window->session(), window->compareView(), window);
    auto* dock = new QDockWidget(ChangeNavigator::tr("Changes"), window);
    dock->setObjectName(QStringLiteral("changesDock"));
    // As the Passes dock: in a small window it shrinks and its content scrolls (tabified docks
    // hold their area at the widest of their minimum sizes).
    auto* scroll = new QScrollArea(dock);
    scroll->setObjectName(QStringLiteral("changesScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(navigator);
    dock->setWidget(scroll);
    window->addDockWidget(Qt::RightDockWidgetArea, dock);
    // A tab beside the Passes (which stay in front), brought forward when one goes to a change.
    if (auto* passes = window->findChild<QDockWidget*>(QStringLiteral("timelineDock"))) {
        window->tabifyDockWidget(passes, dock);
        passes->raise();
    }
    // The count once the list is built (-1: not yet).
    QObject::connect(navigator, &ChangeNavigator::entriesChanged, dock, [dock](int count) {
        dock->setWindowTitle(count > 0 ? ChangeNavigator::tr("Changes (%1)").arg(count) : ChangeNavigator::tr("Changes"));
    });

    QMenu* go = window->menuBar()->addMenu(ChangeNavigator::tr("&Go"));
    go->setObjectName(QStringLiteral("goMenu"));
    go->addAction(navigator->nextAction());
    go->addAction(navigator->previousAction());
    go->addSeparator();
    go->addAction(dock->toggleViewAction());

    QObject::connect(navigator, &ChangeNavigator::compareWanted, window, [window, dock] {
        if (!window->isComparing())
            window->showCompare(true);
        if (!dock->isVisible() || dock->visibleRegion().isEmpty()) {
            dock->show();
            dock->raise();
        }
    });
    QObject::connect(window->timeline(), &PassTimeline::cumulativeChanged, navigator, &ChangeNavigator::rebuild);

    // Overviews in the corner of each graph view, changed nodes marked (View > Minimap).
    CompareView* compare = window->compareView();
    QList<Minimap*> minimaps;
    for (GraphView* v : {window->graphView(), compare->leftView(), compare->rightView()})
        minimaps << new Minimap(v);
    QObject::connect(compare, &CompareView::highlightsApplied, compare, [minimaps] {
        for (Minimap* m : minimaps)
            m->invalidate();
    });
    auto* toggle = new QAction(ChangeNavigator::tr("&Minimap"), window);
    toggle->setObjectName(QStringLiteral("minimapAction"));
    toggle->setCheckable(true);
    toggle->setChecked(true);
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    QObject::connect(toggle, &QAction::toggled, window, [minimaps](bool on) {
        for (Minimap* m : minimaps)
            m->setEnabledByUser(on);
    });
    QMenu* viewMenu = nullptr;
    for (QAction* a : window->menuBar()->actions())
        if (a->menu() && a->text() == ChangeNavigator::tr("&View"))
            viewMenu = a->menu();
    (viewMenu ? viewMenu : go)->addAction(toggle);
    return navigator;
}

} // namespace netfold
