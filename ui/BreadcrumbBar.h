#pragma once
#include "model/Graph.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QToolButton;

namespace netfold {

/// Where in the model a view is: "model.onnx › loop0 (Loop) · body › inner_if (If) · then_branch".
/// Every crumb but the last is a link back up to it; an Up button goes one level up. Hidden on
/// the main graph.
class BreadcrumbBar : public QWidget {
    Q_OBJECT
public:
    explicit BreadcrumbBar(QWidget* parent = nullptr);

    /// Shows the way down path from top; root names the main graph.
    void setPath(const Graph& top, const GraphPath& path, const QString& root);
    /// The crumbs shown, from the main graph down.
    QStringList crumbs() const { return m_crumbs; }

    /// "loop0 (Loop) · body": how a path step reads, from the graph that holds its node.
    static QString stepText(const Graph& holder, const GraphPathStep& step);

public slots:
    /// Goes up to crumb depth (0 = the main graph), as a click on it does.
    void activate(int depth);

signals:
    /// A crumb was chosen: show the graph at that depth (the path cut to depth steps).
    void crumbActivated(int depth);

private:
    QLabel* m_label;
    QToolButton* m_up;
    QStringList m_crumbs;
};

} // namespace netfold
