#pragma once
#include "model/Graph.h"

#include <QGraphicsView>

#include <vector>

namespace netfold {

class GraphScene;

/// A view on a GraphScene: zoom (Ctrl+wheel, keys, pinch), pan (drag, wheel, arrows), fit,
/// zoom to selection, centring on a node. Two of these side by side make the compare view.
class GraphView : public QGraphicsView {
    Q_OBJECT
public:
    /// A view on scene; creates its own scene when scene is nullptr.
    explicit GraphView(GraphScene* scene = nullptr, QWidget* parent = nullptr);

    GraphScene* graphScene() const { return m_scene; }
    qreal zoom() const;
    /// Sets the zoom (1 = 100%), clamped, keeping the centre (or the point under the mouse when
    /// anchored there).
    void setZoom(qreal zoom);
    void zoomIn();
    void zoomOut();
    void resetZoom();
    /// Shows the whole graph (at most at zoom cap).
    void fitAll(qreal cap = kMaxZoom);
    /// The zoom fitAll() would choose.
    qreal fitZoom() const;
    /// Takes the zoom of the other side of the side by side, keeping the centre, without counting
    /// as a move of the user's (the view still keeps its place across steps).
    void followZoom(qreal zoom);
    /// Shows the selected node, zoomed to read it.
    void zoomToSelection();
    /// Scrolls to a node (and selects it when select is true).
    void centerOnNode(NodeId id, bool select = true);
    void centerOnLayoutNode(int layoutIndex);
    /// Puts node id's box in the middle of the viewport at zoom, even near the edge of the graph
    /// (the view's scene rect grows for it until the next layout); selects nothing. While a layout
    /// runs (a collapsed group being opened to show the node), it is done when the node is drawn.
    /// False when the node is not drawn and no layout runs.
    bool centerExactly(NodeId id, qreal zoom);
    /// Scrolls so that scenePos is in the middle, as a user's move (the minimap's click).
    void panTo(const QPointF& scenePos);
    /// Small: a graph view takes the space the docks leave (QGraphicsView's grows with the scene).
    QSize sizeHint() const override { return {320, 240}; }
    /// The zoom the view starts a graph at (fitting it, or a reading zoom at its top).
    qreal initialZoom() const;
    /// Keeps the starting zoom at most cap (the compare view gives both sides one scale); applies
    /// at once unless the user has moved the view.
    void setInitialZoomCap(qreal cap);
    /// Text drawn in the middle of the view while its scene has no graph (how to open one).
    void setEmptyText(const QString& text);
    QString emptyText() const { return m_emptyText; }
    /// Where the last paint drew collapsed groups' far-out titles (viewport coordinates).
    const QVector<QRectF>& groupTitleRects() const { return m_groupTitleRects; }
    /// True once the view has painted a complete layout.
    bool hasPaintedLayout() const { return m_paintedLayout; }

    static constexpr qreal kMinZoom = 0.0002;
    static constexpr qreal kMaxZoom = 4.0;
    /// The smallest zoom a graph is first shown whole at (once laid out); a bigger one starts at
    /// its top, at a reading zoom.
    static constexpr qreal kMinWholeZoom = 0.5;

signals:
    void zoomChanged(qreal zoom);
    /// The user zoomed (wheel, keys, menu, pinch, fit).
    void userZoomed(qreal zoom);
    /// The user scrolled by this many pixels (wheel, drag, keys).
    void userScrolled(QPoint delta);
    /// The first paint after a layout completed (once per layout).
    void layoutPainted();
    /// A local file was dropped on the view (the first one of the drop).
    void fileDropped(const QString& path);

protected:
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void showEvent(QShowEvent* event) override;
    /// Files dragged over the view are the window's to open: the view takes the drag (its
    /// viewport is where Qt delivers it, the drop included) and tells fileDropped().
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    /// Far out (node text no longer drawn), collapsed groups keep a readable title beside their
    /// box: "layers.3  138 nodes  -12 folded", drawn at screen size over the scene, leaving out
    /// any that would overlap one drawn before it.
    void paintGroupTitles();
    void zoomBy(qreal factor, const QPointF& viewportAnchor);
    /// Runs a user's move; tells userScrolled() how far it scrolled.
    template <typename F> void scrolling(F move);
    QPoint scrollPos() const;
    void zoomTo(qreal zoom, const QPointF& viewportAnchor);
    void onLayoutStarted();
    void onChunkAdded(int chunk, int chunkCount);
    void onLayoutFinished(bool ok);
    void applyInitialView();
    struct InitialView {
        qreal zoom;
        /// The whole graph, centred (else its top).
        bool whole;
    };
    InitialView naturalInitialView() const;
    /// The room a whole graph is fitted into (see resizeEvent()).
    QRectF roomRect() const;
    /// Before the scene drops its items for another version of the graph: the nodes in sight
    /// (the selected one, then the nearest the centre first) and where they are on screen.
    void noteAnchors();
    /// Puts the anchor node back where it was on screen, at the zoom of then; false until it is drawn.
    bool applyAnchor();

    struct Anchor {
        NodeId id;
        QPointF viewportPos;
    };
    std::vector<Anchor> m_anchorCandidates;
    QTransform m_anchorTransform;
    /// The node (LayoutGraph index) that keeps its place on screen since the new version was laid
    /// out, until the user moves the view; -1 when there is none.
    int m_anchorIndex = -1;
    QPointF m_anchorPos;

    /// The node centerExactly() put in the middle: kept there when the view is resized (a label
    /// above or below changed height) while it still is, until the next layout.
    NodeId m_pinned = kNoNode;
    bool m_repinning = false;
    /// A centerExactly() / centerOnNode() waiting for its node to be drawn (zoom < 0: keep the zoom).
    NodeId m_centreWhenDrawn = kNoNode;
    qreal m_centreZoom = -1;
    /// Does the waiting centring once the node is drawn; true when it was done.
    bool centreWhenDrawn();

    GraphScene* m_scene;
    QString m_emptyText;
    QVector<QRectF> m_groupTitleRects;
    bool m_paintedLayout = false;
    bool m_userMoved = false;
    bool m_initialViewSet = false;
    /// The initial view in force shows the whole graph.
    bool m_wholeShown = false;
    qreal m_pinchStart = 1.0;
    qreal m_zoomCap = kMaxZoom;
    /// maximumViewportSize() at the last resize.
    QSize m_room;
    /// Viewport resizes in a row that only scroll bars caused.
    int m_barResizes = 0;
};

} // namespace netfold
