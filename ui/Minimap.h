#pragma once
#include <QImage>
#include <QWidget>

namespace netfold {

class GraphView;

/// An overview of a graph view's whole graph in its bottom-right corner: every node as a small
/// box (in its highlight colour when the side by side marks it), the part in sight as a
/// rectangle. Clicking or dragging on it moves the view there. Hidden while the whole graph is in
/// sight or the view is too small to spare the room.
class Minimap : public QWidget {
    Q_OBJECT
public:
    explicit Minimap(GraphView* view);

    /// Redraws the nodes (after highlights changed).
    void invalidate();
    /// The scene point a position on the minimap stands for.
    QPointF toScene(const QPointF& pos) const;
    /// The minimap position of a scene point.
    QPointF fromScene(const QPointF& scenePos) const;
    /// Whether the minimap may show (View > Minimap).
    void setEnabledByUser(bool on);

    static constexpr int kWidth = 170;
    static constexpr int kHeight = 130;

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void place();
    void render();
    QRectF drawArea() const;

    GraphView* m_view;
    QImage m_image;
    bool m_dirty = true;
    bool m_user = true;
    QRectF m_sceneRect;
};

} // namespace netfold
