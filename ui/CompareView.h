#pragma once
#include "diff/Provenance.h"
#include "GraphStyle.h"
#include "model/Graph.h"

#include <QVector>
#include <QWidget>

#include <map>
#include <memory>
#include <set>

class QCheckBox;
class QLabel;
class QStackedWidget;

namespace netfold {

class BreadcrumbBar;
class GraphView;
class SimplifySession;

/// Before and after, side by side: the left view shows the original (or the input of the
/// current step), the right view the model after the current step. Nodes the steps removed
/// are marked on the left by fate (folded, eliminated, fused); added and changed nodes on the
/// right. Selecting a node on one side selects its counterpart, or what it became / what it
/// absorbed, on the other (by NodeId and the change records, never by coordinates).
class CompareView : public QWidget {
    Q_OBJECT
public:
    explicit CompareView(SimplifySession* session, QWidget* parent = nullptr);

    GraphView* leftView() const { return m_left; }
    GraphView* rightView() const { return m_right; }
    /// Highlights for every step so far (true) or the current step only.
    void setCumulative(bool cumulative);
    bool cumulative() const { return m_cumulative; }
    /// Also zoom and centre the other view on the counterpart.
    void setViewportSync(bool on);
    bool viewportSync() const;
    /// The models shown.
    std::shared_ptr<const Model> leftModel() const { return m_leftModel; }
    std::shared_ptr<const Model> rightModel() const { return m_rightModel; }
    /// The body both sides show (empty: the main graphs); a new model starts at the main graph.
    const GraphPath& path() const { return m_path; }
    /// Shows the graph path leads to on both sides; false (nothing changes) when neither has it.
    bool setPath(const GraphPath& path);
    /// The graphs shown: path() on each side's model, or nullptr where that side has no such body.
    const Graph* leftGraph() const { return m_leftGraph; }
    const Graph* rightGraph() const { return m_rightGraph; }
    /// Names the main graph in the breadcrumbs (the file name).
    void setRootName(const QString& name);
    BreadcrumbBar* breadcrumbs() const { return m_crumbs; }
    /// What became of the nodes removed in the highlighted range.
    const std::map<NodeId, Outcome>& outcomes() const { return m_outcomes; }
    /// Text explaining the last selection's link ("folded into constant 'x'", "absorbed 7 nodes: ...").
    QString linkText() const;
    /// What the side by side knows of a node (left: true) for the inspector: its fate (folded into
    /// X in step N, eliminated, fused), what it absorbed, or that it is unchanged; "" when nothing.
    QString fateText(bool left, NodeId id) const;
    /// Fits both sides (synced: at one scale, the smaller of their fits).
    void fitAll();
    /// Which sides exportTo() writes.
    enum class ExportSides { Both, Before, After };
    /// Writes the comparison as shown (titles, legend, highlights) as SVG or PNG (by extension);
    /// false with error set on failure.
    bool exportTo(const QString& path, ExportSides sides, QString* error);
    /// The legend's entries: highlight, name, what it means.
    struct LegendEntry {
        HighlightState state;
        QString name;
        QString tip;
    };
    static QVector<LegendEntry> legendEntries();
    /// The quiet entry of representation-only moves (see showMoves()).
    static LegendEntry movedEntry();
    /// Also mark representation-only moves (a Constant node turned initializer, merged into an
    /// identical one, dropped unused): off by default, so that "folded" shows what was computed
    /// away. The legend's "moved" box toggles it.
    void setShowMoves(bool on);
    bool showMoves() const { return m_showMoves; }
    /// The removed nodes of the highlighted range whose removal only moved a value (see showMoves()).
    const std::set<NodeId>& moves() const { return m_moved; }
    /// The side titles as shown.
    QString leftTitle() const;
    QString rightTitle() const;
    /// The NodeIds on the left that went into a node of the right view (constants it reads included).
    std::vector<NodeId> absorbedBy(NodeId rightNode) const;
    /// The node on the right that stands for a left node (itself, or what it became); kNoNode if none.
    NodeId counterpartOf(NodeId leftNode) const;
    /// Shows one change on both sides (the change navigator): left and right are centred at one
    /// reading zoom and, where select is true, selected (otherwise they are context: nothing is
    /// selected on that side). No counterpart sync. False when a side has not drawn its node.
    bool showChange(NodeId left, bool selectLeft, NodeId right, bool selectRight);

signals:
    /// A node was selected on one side (left = true): for the inspector.
    void nodeSelected(bool left, netfold::NodeId id);
    void valueSelected(bool left, const QString& name);
    /// The user went into a body or back up (breadcrumbs, double-click).
    void pathChanged(const netfold::GraphPath& path);
    /// The sides' highlights were set again (the minimaps redraw).
    void highlightsApplied();

public slots:
    /// Re-reads the session: new models on the sides when they changed, new highlights.
    void refresh();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void applyHighlights();
    /// Which removed nodes of steps [first, last) only moved a value (m_moved).
    void findMoves(std::size_t first, std::size_t last);
    /// Gives both sides the smaller of their starting zooms.
    void matchStartZooms();
    /// Why side (left: true) has no graph at path(): which node on the way is gone, and how.
    QString missingText(const Model& model) const;
    void onLeftSelected(NodeId id);
    void onRightSelected(NodeId id);
    /// Synced: the other side takes a user's zoom or scroll.
    void onUserZoomed(GraphView* from, qreal zoom);
    void onUserScrolled(GraphView* from, QPoint delta);
    /// Synced: both sides at the smaller of their zooms once both are laid out.
    void shareZoom();

    SimplifySession* m_session;
    GraphView* m_left;
    GraphView* m_right;
    QLabel* m_leftTitle;
    QLabel* m_rightTitle;
    QStackedWidget* m_leftStack;
    QStackedWidget* m_rightStack;
    QLabel* m_leftMissing;
    QLabel* m_rightMissing;
    QLabel* m_link;
    QCheckBox* m_syncViewport;
    BreadcrumbBar* m_crumbs;
    QString m_rootName;
    std::shared_ptr<const Model> m_leftModel;
    std::shared_ptr<const Model> m_rightModel;
    GraphPath m_path;
    /// What the sides show (the path those graphs came from), nullptr for a side without it.
    GraphPath m_shownPath;
    const Graph* m_leftGraph = nullptr;
    const Graph* m_rightGraph = nullptr;
    std::map<NodeId, Outcome> m_outcomes;
    std::set<NodeId> m_moved;
    /// Values read by the nodes the highlighted steps removed (other than Constants).
    std::set<std::string> m_readByRemoved;
    bool m_showMoves = false;
    QCheckBox* m_movesBox = nullptr;
    /// The session generation the sides show (another one: a new model, not a step).
    quint64 m_generation = 0;
    bool m_cumulative = true;
    bool m_syncing = false;
};

} // namespace netfold
