#pragma once
#include "GraphStyle.h"
#include "NodeVisual.h"
#include "layout/Groups.h"
#include "layout/LayoutEngine.h"
#include "layout/LayoutGraph.h"
#include "model/Graph.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QGraphicsScene>
#include <QHash>
#include <QVector>

#include <array>
#include <atomic>
#include <memory>
#include <set>
#include <string>

class QIODevice;

namespace netfold {

class NodeItem;
class EdgeItem;
class StubItem;
class ChunkItem;
class GroupFrameItem;

/// The drawing of one graph: one NodeItem per drawn node (graph inputs and outputs included,
/// Constants inside their consumers), one EdgeItem per (value, consumer), stubs for long edges.
/// Layout runs off the GUI thread; items appear chunk by chunk. Items are found by NodeId
/// through maps kept here; the IR never points at an item.
class GraphScene : public QGraphicsScene {
    Q_OBJECT
public:
    struct Options {
        LayoutOptions::Direction direction = LayoutOptions::Direction::TopToBottom;
        /// Rows for attributes inside the nodes.
        bool attributes = false;
        /// Rows for initializers and inlined constants inside the nodes.
        bool initializers = true;
        /// Tensor shapes along the edges.
        bool edgeLabels = true;
        /// Reuse chunk layouts across runs (off for cold benchmarks).
        bool layoutCache = true;
        /// Open big graphs with their name-scope groups collapsed (layout/Groups.h); off: every
        /// node drawn until the user collapses a group.
        bool groups = true;
    };

    explicit GraphScene(QObject* parent = nullptr);
    ~GraphScene() override;

    /// Shows a graph (top level): builds the drawable graph, measures the nodes with the view's
    /// fonts and starts the layout in a worker thread. opset names inputs from the ONNX schemas.
    /// Passing the graph already shown lays it out again keeping selection, highlights and what
    /// views show (see keepsView()). When
    /// every view of the scene is hidden, the work waits until one is shown (see ensureLayout()).
    void setGraph(std::shared_ptr<const Graph> graph, int64_t opset = 0);
    /// Shows another version of the graph shown (the model after a simplification step): NodeIds
    /// carry over, so the selection stays on a node that still exists and views keep their zoom
    /// and the part of the graph they show (see keepsView()).
    void replaceGraph(std::shared_ptr<const Graph> graph, int64_t opset = 0);
    /// True while the layout in progress (or the last one) came from replaceGraph() or showed the
    /// same graph again: views then keep the node they showed in its place.
    bool keepsView() const { return m_keepView; }
    /// Removes everything (cancels a running layout); clears selection and highlights.
    void clearGraph();
    /// Changes display options; lays the graph out again when they affect sizes or direction.
    void setOptions(const Options& options);
    const Options& options() const { return m_options; }
    const std::shared_ptr<const Graph>& graph() const { return m_graph; }

    /// Starts a layout that waits for a view to be shown (no-op otherwise). Views call it when
    /// they are shown; waitForLayout() calls it too.
    void ensureLayout();
    /// True once every chunk of the current graph has its items.
    bool isLayoutComplete() const { return m_complete; }
    /// True from setGraph() until the layout ends (including while it waits for a view).
    bool isLayoutRunning() const { return m_running; }
    /// Stops a running layout between chunks (layoutFinished(false) follows).
    void cancelLayout();
    /// Blocks until the running layout (if any) has delivered all its items (for tests, benchmarks
    /// and --screenshot); false on timeout.
    bool waitForLayout(int timeoutMs = 120000);
    const LayoutGraph& layoutGraph() const { return *m_layoutGraph; }
    const LayoutResult& layoutResult() const { return m_result; }

    /// Item drawing a node; inlined Constants give their consumer's item. nullptr if not (yet) drawn.
    NodeItem* nodeItem(NodeId id) const;
    /// Item of a drawn node by LayoutGraph index.
    NodeItem* nodeItemAt(int layoutIndex) const;
    /// Items of graph inputs and outputs by value name.
    NodeItem* inputItem(const QString& name) const;
    NodeItem* outputItem(const QString& name) const;
    QVector<NodeItem*> nodeItems() const;
    QVector<EdgeItem*> edgeItems() const;
    QVector<StubItem*> stubItems() const { return m_stubItems; }
    int chunkCount() const { return m_chunkItems.size(); }
    /// Frames of the open groups that were collapsed before (after a layout completes).
    QVector<GroupFrameItem*> groupFrames() const { return m_frames; }

    /// Selects the node drawing id (for an inlined Constant: its consumer, with the row marked);
    /// kNoNode clears. Emits nodeSelected once when the selection changes.
    void selectNode(NodeId id);
    /// The selected NodeId (an inlined Constant's id when its row was clicked), or kNoNode.
    NodeId selectedNode() const { return m_selectedId; }
    /// The selected drawn node (LayoutGraph index; a collapsed group too), or -1.
    int selectedIndex() const { return m_selectedIndex; }
    /// Per-node highlight for the compare view; inlined Constants highlight their row.
    void setHighlight(NodeId id, HighlightState state);
    HighlightState highlight(NodeId id) const { return m_highlights.value(id, HighlightState::None); }
    void clearHighlights();
    /// Highlights of initializer rows by the value they read (rows of inlined Constants go by
    /// NodeId, see setHighlight()); replaces the previous ones.
    void setValueHighlights(const QHash<QString, HighlightState>& states);
    HighlightState valueHighlight(const QString& value) const { return m_valueHighlights.value(value, HighlightState::None); }

    struct SearchHit {
        /// The node (kNoNode for graph inputs and outputs).
        NodeId id = kNoNode;
        /// The drawn node to show.
        int layoutNode = -1;
        /// "Conv  /layer1/conv1/Conv" style text and what matched ("name", "op", "value").
        QString text;
        QString matched;
    };
    /// Nodes whose name, op type or value names (inputs, outputs, initializers) contain text
    /// (case-insensitive), in graph order, at most limit.
    QVector<SearchHit> search(const QString& text, int limit = 500) const;

    const GraphStyle& style() const { return *m_style; }
    const NodeVisual& visual(int layoutIndex) const { return m_visuals[layoutIndex]; }
    /// Edges (LayoutGraph indices) into and out of a drawn node.
    const QVector<int>& edgesOf(int layoutIndex) const { return m_edgesOf[layoutIndex]; }
    QString toolTipFor(int layoutIndex) const;
    /// Baselines of the title text in a band of the given height, and of row text in a row.
    qreal titleBaseline(qreal band) const { return (band + m_titleAscent - m_titleDescent) / 2; }
    qreal rowBaseline() const { return m_rowBaseline; }
    qreal titleAscent() const { return m_titleAscent; }
    qreal rowAscent() const { return m_rowAscent; }
    qreal labelAscent() const { return m_labelAscent; }
    qreal labelBaselineOffset() const { return m_labelBaselineOffset; }
    QString stubText(int stub) const;
    /// A shape text with symbolic dim names longer than a few characters elided in the middle
    /// ("p2o.DynamicDimension.0×3" -> "p2o.Dyna…n.0×3"); the tooltips keep the whole text.
    static QString elideDims(const QString& text);

    /// Name scopes drawn as one collapsed box each (paths as in layout/Groups.h: "enc/layers.3").
    /// A graph shown anew opens with defaultCollapsed() (big graphs only); another version of it
    /// keeps the set.
    const std::set<std::string>& collapsedGroups() const { return m_collapsed; }
    /// Draws exactly these scopes collapsed: lays the graph out again keeping the view, and emits
    /// collapsedGroupsChanged() when the set changed.
    void setCollapsedGroups(const std::set<std::string>& scopes);
    /// Opens with the default groups of another version of the graph (the compare view's other
    /// side), decided when this scene lays out (at once when it already has).
    void decideGroupsOn(std::shared_ptr<const Graph> graph);
    void expandGroup(const std::string& path);
    void collapseGroup(const std::string& path);
    /// Collapses the outermost groups worth a box (whatever the graph's size) / opens every group.
    void collapseAllGroups();
    void expandAllGroups();
    /// While graphAboutToChange() is emitted for a group opened or closed: the node the views
    /// should keep in its place on screen (the opened group's first node, the node a group was
    /// closed around), even when they showed the whole graph; kNoNode otherwise.
    NodeId groupAnchor() const { return m_groupAnchor; }
    /// The name scopes of the shown graph (empty before the first layout).
    const ScopeTree& scopes() const { return *m_scopes; }
    /// Drawn nodes (LayoutGraph indices) that are collapsed groups.
    const QVector<int>& groupNodes() const { return m_groupNodes; }
    /// The collapsed groups that hide a node (to open to show it); empty when it is drawn.
    std::vector<std::string> groupsHiding(NodeId id) const;
    /// The groups around a node, innermost first (paths), for "Collapse ..." menus.
    std::vector<std::string> groupsAround(NodeId id) const;
    /// Counts of a collapsed group's members per highlight (what the step did inside it).
    std::array<int, 7> groupBadges(int layoutIndex) const;
    struct Badge {
        HighlightState state;
        QString text; ///< "\u221212 folded", "+1 added", "~3 changed"
    };
    /// A collapsed group's badges in drawing order (folded, removed, fused, added, changed, then
    /// moved when withMoved), one per state that has members.
    QVector<Badge> groupBadgeTexts(int layoutIndex, bool withMoved) const;

    /// Tells the scene the zoom of its view: far out, chunks draw a cheap overview instead of
    /// their items.
    void setLevelOfDetail(qreal zoom);
    bool overviewMode() const { return m_overview; }
    /// Zoom below which the overview is drawn.
    static constexpr qreal kOverviewLod = 0.22;

    /// Writes the whole drawing as SVG: one <g class="node"> per node, one <g class="edge"> per edge.
    bool writeSvg(QIODevice* device, QString* error = nullptr) const;
    /// Renders the whole drawing into an image at scale (capped to maxSide pixels per side).
    QImage renderImage(qreal scale = 1.0, int maxSide = 16000);

    /// Used by items.
    void noteClickedId(NodeId id) { m_clickedId = id; }
    void activateStub(int stub);
    void requestSubgraph(NodeId id, const QString& attribute) { emit subgraphRequested(id, attribute); }
    void selectLayoutNode(int layoutIndex, NodeId id);

signals:
    /// setGraph() or replaceGraph() is about to drop the items shown (views note what they show).
    void graphAboutToChange();
    /// The selection changed: the selected node, or kNoNode.
    void nodeSelected(netfold::NodeId id);
    /// A graph input or output node was selected.
    void valueSelected(const QString& name);
    void layoutStarted();
    void layoutProgress(int done, int total);
    /// Items for one more chunk were added.
    void chunkAdded(int chunk, int chunkCount);
    /// The layout ended: ok is false when it was cancelled or failed (error says why).
    void layoutFinished(bool ok, const QString& error);
    /// The collapsed groups changed (a double-click, a menu, a selection inside a collapsed group).
    void collapsedGroupsChanged();
    /// A view should bring this drawn node into sight (stub clicked, search hit, ...).
    void centerRequested(int layoutIndex);
    /// The user asked to open a node's graph attribute (double-click on an If/Loop/Scan node).
    void subgraphRequested(netfold::NodeId id, const QString& attribute);

protected:
    void helpEvent(QGraphicsSceneHelpEvent* event) override;

private:
    void show(std::shared_ptr<const Graph> graph, int64_t opset, bool related);
    /// The drawable graph without groups and its scopes, for the current graph and options.
    void buildFlatGraph();
    /// Sets the default collapsed groups, decided on m_decideOn (the graph shown anew).
    void decideGroups();
    /// Lays the same graph out again for other collapsed groups.
    void relayoutGroups();
    void startLayout();
    void reset();
    bool viewsHidden() const;
    void measure();
    void onChunkReady(quint64 generation, const LayoutChunkUpdate& update);
    void onLayoutDone(quint64 generation, std::shared_ptr<LayoutResult> result);
    void onSelectionChanged();
    void placeLabels(ChunkItem* chunk);
    void setEmphasis(int layoutIndex, bool on);
    qreal textWidth(const QFont& font, QHash<QString, qreal>& cache, const QString& text) const;

    const GraphStyle* m_style;
    Options m_options;
    std::shared_ptr<const Graph> m_graph;
    int64_t m_opset = 0;
    std::shared_ptr<const LayoutGraph> m_layoutGraph;
    /// The drawable graph before grouping, and its scopes; valid while m_flatValid.
    std::shared_ptr<const LayoutGraph> m_flatGraph;
    std::shared_ptr<const ScopeTree> m_scopes;
    bool m_flatValid = false;
    std::set<std::string> m_collapsed;
    /// A graph shown anew whose default groups are still to be decided (hidden views).
    std::shared_ptr<const Graph> m_decideOn;
    NodeId m_groupAnchor = kNoNode;
    QVector<int> m_groupNodes;
    /// Scopes collapsed at some time for this graph: open ones get a frame (GroupFrameItem).
    std::set<std::string> m_everCollapsed;
    QVector<GroupFrameItem*> m_frames;
    void addGroupFrames();
    std::vector<NodeVisual> m_visuals;
    QVector<QVector<int>> m_edgesOf;
    LayoutResult m_result;

    QVector<NodeItem*> m_nodeItems;
    QVector<EdgeItem*> m_edgeItems;
    QVector<StubItem*> m_stubItems;
    QVector<ChunkItem*> m_chunkItems;
    QHash<QString, int> m_labelOfValue;

    QHash<NodeId, HighlightState> m_highlights;
    QHash<QString, HighlightState> m_valueHighlights;
    NodeId m_selectedId = kNoNode;
    int m_selectedIndex = -1;
    NodeId m_clickedId = kNoNode;
    bool m_settingSelection = false;

    bool m_overview = false;
    bool m_keepView = false;
    bool m_complete = false;
    bool m_running = false;
    bool m_pending = false;
    quint64 m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_cancel;
    QList<QFuture<void>> m_futures;
    QRectF m_bounds;
    /// Phase timings (NETFOLD_TIMING=1 prints them).
    bool m_timing = false;
    QElapsedTimer m_clock;
    qint64 m_itemNs = 0;

    qreal m_titleAscent = 0;
    qreal m_titleDescent = 0;
    qreal m_rowBaseline = 0;
    qreal m_rowAscent = 0;
    qreal m_labelAscent = 0;
    qreal m_labelBaselineOffset = 0;
    mutable QHash<QString, qreal> m_titleWidths;
    mutable QHash<QString, qreal> m_rowWidths;
    mutable QHash<QString, qreal> m_rowLabelWidths;
    mutable QHash<QString, qreal> m_labelWidths;

    friend class EdgeItem;
};

} // namespace netfold
