#pragma once
#include <QWidget>

class QComboBox;
class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QLabel;
class QTimer;

namespace netfold {

class GraphView;

/// Find (Ctrl+F): searches node names, op types and value names of the view's graph and lists
/// the hits; choosing one selects the node and scrolls to it. With two sides (the side by side)
/// it searches the side(s) picked in its "In" box (both by default) and shows the hit there.
class SearchPanel : public QWidget {
    Q_OBJECT
public:
    explicit SearchPanel(GraphView* view, QWidget* parent = nullptr);

    QLineEdit* field() const { return m_field; }
    QListWidget* results() const { return m_results; }
    /// Runs the search now (typing runs it after a short pause).
    void search(const QString& text);
    /// Focuses the field with its text selected.
    void activate();
    /// Searches the two sides of the side by side (before, after) instead of the single view;
    /// nullptrs: back to the single view.
    void setSides(GraphView* before, GraphView* after);
    /// The side box (hidden without two sides): "Both sides", "Before", "After".
    QComboBox* sideBox() const { return m_side; }

private:
    void choose(QListWidgetItem* item);

    /// The views searched now, in order.
    QList<GraphView*> views() const;
    void watch(GraphView* view);

    GraphView* m_view;
    GraphView* m_before = nullptr;
    GraphView* m_after = nullptr;
    QLineEdit* m_field;
    QListWidget* m_results;
    QComboBox* m_side;
    QLabel* m_count;
    QTimer* m_debounce;
};

} // namespace netfold
