#pragma once
#include "model/Graph.h"

#include <QMainWindow>
#include <memory>

class QTreeWidget;
class QTreeWidgetItem;
class QLabel;
class QMenu;
class QDockWidget;
class QProgressBar;
class QToolButton;
class QAction;
class QStackedWidget;
class QDialog;
class QCloseEvent;

namespace netfold {

class BreadcrumbBar;
class ChangeNavigator;
class CompareView;
class GraphScene;
class GraphView;
class Inspector;
class PassTimeline;
class SearchPanel;
class SimplifySession;
class SummaryPanel;

/// The main window: opens a model (argument, File > Open, drag and drop, recent files) and shows
/// its graph; a node list and a find panel dock beside it.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a model file; on failure shows the error (non-modal) and keeps the current model.
    bool openFile(const QString& path);
    /// Opens the bundled sample model.
    bool openSample();
    /// The open model, or nullptr.
    const Model* model() const { return m_model.get(); }
    /// The last load error ("" after a successful load).
    QString lastError() const { return m_lastError; }
    /// The node list (filled on first use: it is hidden by default).
    QTreeWidget* nodeList();
    /// Recent files, most recent first.
    QStringList recentFiles() const;
    GraphView* graphView() const { return m_view; }
    GraphScene* graphScene() const;
    SearchPanel* searchPanel() const { return m_search; }
    /// Shows the find panel and focuses it.
    void showSearch();
    /// In the side by side: both sides as shown (titles, legend, highlights) or one of them.
    enum class ExportSides { Both, Before, After };
    /// Saves what is shown as SVG or PNG (by extension): the single view's graph, or the side by
    /// side's comparison (or one side of it); false with lastError() set on failure.
    bool exportTo(const QString& path, ExportSides sides = ExportSides::Both);

    SimplifySession* session() const { return m_session; }
    CompareView* compareView() const { return m_compare; }
    PassTimeline* timeline() const { return m_timeline; }
    SummaryPanel* summaryPanel() const { return m_summaryPanel; }
    Inspector* inspector() const { return m_inspector; }
    /// The Changes dock's navigator (Go > Next Change, F8).
    ChangeNavigator* changeNavigator() const { return m_navigator; }
    /// Shows the side-by-side compare view (true) or the single graph view.
    void showCompare(bool on);
    bool isComparing() const;
    /// Saves the model after the current step (never over the file it came from); false with
    /// lastError() set on failure.
    bool saveSimplified(const QString& path);
    /// Saves the step report as JSON (.json) or Markdown (other extensions).
    bool saveReport(const QString& path);

    /// Shows the body path leads to (If/Loop/Scan attributes; empty: the main graph) in the
    /// single view and, where it has it, the side by side; false when the model has no such body.
    bool openGraphPath(const GraphPath& path);
    /// The body shown (empty: the main graph).
    const GraphPath& graphPath() const { return m_path; }
    BreadcrumbBar* breadcrumbs() const { return m_crumbs; }
    /// Selects a node wherever it is in the model (going into its body) and scrolls to it.
    bool showNode(NodeId id);

    /// Restores geometry, docks, splitters, simplify options and highlight mode from QSettings
    /// and saves them when the window closes (the app calls this; tests opt in).
    void restoreSettings();
    void saveSettings() const;
    /// View > Reset Layout: docks, splitters and size as on a first start.
    void resetLayout();
    /// Help > About (non-modal); returns the dialog.
    QDialog* showAbout();
    /// True when the model is simplified (a step or more) and that result is not saved.
    bool hasUnsavedSimplification() const;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    /// Asks before discarding an unsaved simplification.
    void closeEvent(QCloseEvent* event) override;

private:
    void setModel(std::unique_ptr<Model> model, const QString& displayName);
    void showError(const QString& message);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void chooseFile();
    void chooseExport();
    void fillNodeList();
    void createGroupActions(QMenu* view);
    void createViewMenu();
    void applyOption(const std::function<void()>& change);
    void onNodeListItem(QTreeWidgetItem* item);
    void updateStatus();
    /// The graph views in sight (the single view, or the sides of the side by side that show a graph).
    QList<GraphView*> shownViews() const;
    void updateZoomLabel();
    void createSimplifyUi();
    void onSessionChanged();
    void inspect(bool left, NodeId id);
    void chooseSaveSimplified();
    void chooseSaveReport();
    /// The graph the single view shows (the model's main graph or a body of it).
    const Graph* shownGraph() const;
    /// The single view's part of openGraphPath(); false when the model has no such body.
    bool showInSingleView(const GraphPath& path);
    void openSubgraph(NodeId id, const QString& attribute);
    /// Asks whether to save, discard or keep an unsaved simplification; true to go on.
    bool confirmDiscard();
    /// The title's modified mark follows hasUnsavedSimplification().
    void updateModified();

    std::shared_ptr<Model> m_model;
    GraphView* m_view = nullptr;
    QTreeWidget* m_nodeList = nullptr;
    bool m_nodeListFilled = false;
    QDockWidget* m_nodeDock = nullptr;
    QDockWidget* m_searchDock = nullptr;
    SearchPanel* m_search = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_zoomLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancel = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_lastError;
    QString m_summary;
    QStackedWidget* m_stack = nullptr;
    SimplifySession* m_session = nullptr;
    CompareView* m_compare = nullptr;
    PassTimeline* m_timeline = nullptr;
    SummaryPanel* m_summaryPanel = nullptr;
    Inspector* m_inspector = nullptr;
    ChangeNavigator* m_navigator = nullptr;
    QDockWidget* m_timelineDock = nullptr;
    QDockWidget* m_summaryDock = nullptr;
    QDockWidget* m_inspectorDock = nullptr;
    QAction* m_compareAction = nullptr;
    BreadcrumbBar* m_crumbs = nullptr;
    GraphPath m_path;
    QString m_displayName;
    /// A node to select and centre once the body it is in has been laid out.
    NodeId m_pendingShow = kNoNode;
    /// The simplified model last saved (to tell whether the current one is saved).
    std::weak_ptr<const Model> m_savedSnapshot;
    /// The dock layout before any settings were restored (View > Reset Layout).
    QByteArray m_defaultLayout;
    bool m_persistSettings = false;
};

} // namespace netfold
