#pragma once
#include "diff/ChangeList.h"

#include <QWidget>

#include <array>
#include <vector>

class QAction;
class QCheckBox;
class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace netfold {

class CompareView;
class MainWindow;
class SimplifySession;

/// The change navigator: every change of the current step, or of all steps so far (as the
/// compare view highlights them), one entry per folded chain, fused block, eliminated, added or
/// changed node (diff/ChangeList), grouped by name scope and filterable by kind. Next / Previous
/// (F8 / Shift+F8) and clicking an entry select the change on both sides of the side by side and
/// centre it there: before, the removed (or changed) nodes; after, what replaced them.
class ChangeNavigator : public QWidget {
    Q_OBJECT
public:
    ChangeNavigator(SimplifySession* session, CompareView* compare, QWidget* parent = nullptr);

    /// Next Change (F8) and Previous Change (Shift+F8); both wrap around at the ends.
    QAction* nextAction() const { return m_next; }
    QAction* previousAction() const { return m_previous; }
    QTreeWidget* tree() const { return m_tree; }
    /// The kind filter's check box.
    QCheckBox* kindFilter(ChangeKind kind) const { return m_filters[static_cast<std::size_t>(kind)]; }
    /// Every entry of the range shown, filtered or not, in list order.
    const std::vector<ChangeEntry>& entries() const
    {
        ensureBuilt();
        return m_entries;
    }
    /// The entries the filter lets through (indices into entries()), in list order.
    const std::vector<int>& listed() const
    {
        ensureBuilt();
        return m_listed;
    }
    /// The entry last gone to (index into entries()), or -1.
    int current() const { return m_current; }
    /// The tree item of an entry (nullptr when filtered out).
    QTreeWidgetItem* itemOf(int entry) const;
    /// Goes to an entry: selects it in the list and shows it on both sides (once laid out).
    void showEntry(int entry);

public slots:
    void next();
    void previous();
    /// Re-reads the session and the compare view's highlight range (at once when the list is on
    /// screen, else when it is shown or used: big models have many changes).
    void rebuild();

signals:
    /// The navigator needs the side by side on screen.
    void compareWanted();
    /// An entry is now shown on both sides.
    void entryShown(int entry);
    /// The list was filled again: this many entries (filtered or not).
    void entriesChanged(int count);

protected:
    void showEvent(QShowEvent* event) override;

private:
    /// Builds the list if rebuild() deferred it.
    void ensureBuilt() const;
    void build();
    void refill();
    void step(int delta);
    void applyPending();
    void onCurrentItemChanged(QTreeWidgetItem* item);

    SimplifySession* m_session;
    CompareView* m_compare;
    QAction* m_next;
    QAction* m_previous;
    QLabel* m_summary;
    QLabel* m_status;
    QTreeWidget* m_tree;
    std::array<QCheckBox*, kChangeKindCount> m_filters{};
    std::vector<ChangeEntry> m_entries;
    std::vector<int> m_listed;
    std::vector<QTreeWidgetItem*> m_items;
    int m_current = -1;
    int m_pending = -1;
    bool m_filling = false;
    bool m_dirty = true;
    int m_wrapWidth = -1;
};

/// Adds the navigator to the main window: a "Changes (N)" dock tabbed with the Passes dock (brought
/// forward when one goes to a change) and a Go menu with Next Change (F8), Previous Change
/// (Shift+F8) and the dock's toggle.
ChangeNavigator* installChangeNavigator(MainWindow* window);

} // namespace netfold
