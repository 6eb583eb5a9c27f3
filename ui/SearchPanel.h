#pragma once
#include <QWidget>

class QLineEdit;
class QListWidget;
class QListWidgetItem;
class QLabel;
class QTimer;

namespace netfold {

class GraphView;

/// Find (Ctrl+F): searches node names, op types and value names of the view's graph and lists
/// the hits; choosing one selects the node and scrolls to it.
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

private:
    void choose(QListWidgetItem* item);

    GraphView* m_view;
    QLineEdit* m_field;
    QListWidget* m_results;
    QLabel* m_count;
    QTimer* m_debounce;
};

} // namespace netfold
