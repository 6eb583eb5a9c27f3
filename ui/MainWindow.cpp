#include "MainWindow.h"

#include "AboutDialog.h"
#include "AppSettings.h"
#include "BodyGraph.h"
#include "BreadcrumbBar.h"
#include "ChangeNavigator.h"
#include "CompareView.h"
#include "GraphScene.h"
#include "GraphView.h"
#include "Inspector.h"
#include "PassTimeline.h"
#include "SearchPanel.h"
#include "SimplifySession.h"
#include "SummaryPanel.h"
#include "UiText.h"
#include "diff/Report.h"
#include "util/Error.h"
#include "model/ModelIO.h"
#include "shape/Open.h"
#include "model/ModelSummary.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QElapsedTimer>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QImageWriter>
#include <QInputDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSaveFile>
#include <QScrollArea>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <functional>

namespace netfold {

namespace {
constexpr int kMaxRecent = 10;

QString join(const std::vector<std::string>& names)
{
    QStringList list;
    for (const auto& n : names)
        list << QString::fromStdString(n);
    return list.join(", ");
}
} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle("netfold");
    setAcceptDrops(true);
    resize(1280, 800);

    m_view = new GraphView(nullptr, this);
    m_view->setObjectName(QStringLiteral("graphView"));
    m_view->setEmptyText(tr("No model open.\n\nFile > Open (Ctrl+O), drop an .onnx file here, or File > Open Sample."));
    m_session = new SimplifySession(this);
    m_compare = new CompareView(m_session, this);
    m_compare->setObjectName(QStringLiteral("compareView"));
    // A file dropped on a graph view opens as one dropped on the window.
    for (GraphView* v : {m_view, m_compare->leftView(), m_compare->rightView()})
        connect(v, &GraphView::fileDropped, this, [this](const QString& path) {
            if (confirmDiscard())
                openFile(path);
        });
    m_crumbs = new BreadcrumbBar(this);
    auto* single = new QWidget(this);
    auto* singleLayout = new QVBoxLayout(single);
    singleLayout->setContentsMargins(0, 0, 0, 0);
    singleLayout->setSpacing(0);
    singleLayout->addWidget(m_crumbs);
    singleLayout->addWidget(m_view, 1);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(single);
    m_stack->addWidget(m_compare);
    setCentralWidget(m_stack);

    m_nodeList = new QTreeWidget(this);
    m_nodeList->setObjectName(QStringLiteral("nodeList"));
    m_nodeList->setHeaderLabels({"Node", "Op", "Inputs", "Outputs"});
    m_nodeList->setRootIsDecorated(true);
    m_nodeList->setUniformRowHeights(true);
    m_nodeList->header()->setSectionResizeMode(QHeaderView::Interactive);
    connect(m_nodeList, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) { onNodeListItem(item); });
    connect(m_nodeList, &QTreeWidget::itemClicked, this, [this](QTreeWidgetItem* item) { onNodeListItem(item); });
    m_nodeDock = new QDockWidget(tr("Nodes"), this);
    m_nodeDock->setObjectName(QStringLiteral("nodeDock"));
    m_nodeDock->setWidget(m_nodeList);
    addDockWidget(Qt::LeftDockWidgetArea, m_nodeDock);
    m_nodeDock->hide();
    connect(m_nodeDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            fillNodeList();
    });

    m_search = new SearchPanel(m_view, this);
    m_searchDock = new QDockWidget(tr("Find"), this);
    m_searchDock->setObjectName(QStringLiteral("searchDock"));
    m_searchDock->setWidget(m_search);
    addDockWidget(Qt::RightDockWidgetArea, m_searchDock);
    m_searchDock->hide();

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open..."), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Sample"), this, [this] {
        if (confirmDiscard())
            openSample();
    });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    QAction* exportAction = file->addAction(tr("&Export Graph..."), this, &MainWindow::chooseExport);
    exportAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    QAction* find = edit->addAction(tr("&Find..."), this, &MainWindow::showSearch);
    find->setShortcut(QKeySequence::Find);
    createViewMenu();
    createSimplifyUi();
    m_navigator = installChangeNavigator(this);

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_progress->setFormat(tr("layout %p%"));
    m_progress->hide();
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setToolTip(tr("Stop the layout"));
    m_cancel->hide();
    m_zoomLabel = new QLabel(this);
    setWindowIcon(appIcon());
    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About netfold"), this, &MainWindow::showAbout);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_zoomLabel);

    GraphScene* scene = m_view->graphScene();
    connect(m_cancel, &QToolButton::clicked, scene, &GraphScene::cancelLayout);
    connect(scene, &GraphScene::layoutStarted, this, [this] {
        m_progress->setRange(0, 0);
        m_progress->show();
        m_cancel->show();
    });
    connect(scene, &GraphScene::layoutProgress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
    });
    connect(scene, &GraphScene::layoutFinished, this, [this](bool ok, const QString& error) {
        m_progress->hide();
        m_cancel->hide();
        if (!ok && !error.isEmpty())
            statusBar()->showMessage(error, 10000);
        updateStatus();
    });
    for (GraphView* v : {m_view, m_compare->leftView(), m_compare->rightView()})
        connect(v, &GraphView::zoomChanged, this, &MainWindow::updateZoomLabel);
    connect(scene, &GraphScene::nodeSelected, this, [this](NodeId id) {
        if (!m_nodeListFilled || id == kNoNode)
            return;
        QTreeWidgetItemIterator it(m_nodeList);
        for (; *it; ++it)
            if ((*it)->data(0, Qt::UserRole).toULongLong() == id) {
                const QSignalBlocker block(m_nodeList);
                m_nodeList->setCurrentItem(*it);
                m_nodeList->scrollToItem(*it);
                break;
            }
    });
    m_defaultLayout = saveState();
}

MainWindow::~MainWindow() = default;

GraphScene* MainWindow::graphScene() const { return m_view->graphScene(); }

void MainWindow::createViewMenu()
{
    QMenu* view = menuBar()->addMenu(tr("&View"));
    // They act on what is shown: the single view, or both sides of the side by side (synced
    // sides follow each other; unsynced, each side zooms).
    auto onShown = [this](void (GraphView::*f)()) {
        return [this, f] {
            const QList<GraphView*> views = shownViews();
            for (GraphView* v : views) {
                const qreal before = v->zoom();
                (v->*f)();
                // A synced side already followed the first one.
                if (views.size() > 1 && m_compare->viewportSync() && !qFuzzyCompare(before, v->zoom()))
                    break;
            }
        };
    };
    QAction* zoomIn = view->addAction(tr("Zoom &In"), this, onShown(&GraphView::zoomIn));
    zoomIn->setShortcuts({QKeySequence::ZoomIn, QKeySequence(Qt::CTRL | Qt::Key_Equal)});
    QAction* zoomOut = view->addAction(tr("Zoom &Out"), this, onShown(&GraphView::zoomOut));
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    QAction* actual = view->addAction(tr("&Actual Size"), this, onShown(&GraphView::resetZoom));
    actual->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction* fit = view->addAction(tr("&Fit to Window"), this, [this] {
        if (isComparing())
            m_compare->fitAll();
        else
            m_view->fitAll();
    });
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    QAction* toSel = view->addAction(tr("Zoom to &Selection"), this, onShown(&GraphView::zoomToSelection));
    toSel->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_3));
    QAction* up = view->addAction(tr("&Enclosing Graph"), this, [this] {
        const GraphPath& path = isComparing() ? m_compare->path() : m_path;
        if (!path.empty())
            openGraphPath(GraphPath(path.begin(), path.end() - 1));
    });
    up->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    up->setToolTip(tr("Back up from an If/Loop/Scan body (double-click such a node to open it)"));
    view->addSeparator();
    createGroupActions(view);
    view->addSeparator();

    auto* direction = new QActionGroup(this);
    QAction* vertical = view->addAction(tr("&Vertical Layout"));
    QAction* horizontal = view->addAction(tr("&Horizontal Layout"));
    for (QAction* a : {vertical, horizontal}) {
        a->setCheckable(true);
        direction->addAction(a);
    }
    vertical->setChecked(true);
    connect(vertical, &QAction::triggered, this, [this] {
        applyOption([this] {
            auto o = graphScene()->options();
            o.direction = LayoutOptions::Direction::TopToBottom;
            graphScene()->setOptions(o);
        });
    });
    connect(horizontal, &QAction::triggered, this, [this] {
        applyOption([this] {
            auto o = graphScene()->options();
            o.direction = LayoutOptions::Direction::LeftToRight;
            graphScene()->setOptions(o);
        });
    });
    view->addSeparator();
    auto toggle = [this, view](const QString& text, const QKeySequence& key, bool on,
                               std::function<void(GraphScene::Options&, bool)> set) {
        QAction* a = view->addAction(text);
        a->setCheckable(true);
        a->setChecked(on);
        a->setShortcut(key);
        connect(a, &QAction::toggled, this, [this, set](bool checked) {
            applyOption([this, set, checked] {
                auto o = graphScene()->options();
                set(o, checked);
                graphScene()->setOptions(o);
            });
        });
    };
    const GraphScene::Options o = graphScene()->options();
    toggle(tr("Show &Attributes"), QKeySequence(Qt::CTRL | Qt::Key_D), o.attributes,
           [](GraphScene::Options& op, bool on) { op.attributes = on; });
    toggle(tr("Show &Initializers"), QKeySequence(Qt::CTRL | Qt::Key_I), o.initializers,
           [](GraphScene::Options& op, bool on) { op.initializers = on; });
    toggle(tr("Show &Shapes on Edges"), QKeySequence(Qt::CTRL | Qt::Key_L), o.edgeLabels,
           [](GraphScene::Options& op, bool on) { op.edgeLabels = on; });
    view->addSeparator();
    view->addAction(m_nodeDock->toggleViewAction());
    view->addAction(m_searchDock->toggleViewAction());
    view->addSeparator();
    view->addAction(tr("&Reset Layout"), this, &MainWindow::resetLayout);
}

void MainWindow::createGroupActions(QMenu* view)
{
    // Name-scope groups. In the side by side they act on the side with a selection (the left one
    // first); the other side follows (see CompareView).
    auto scene = [this] {
        if (!isComparing())
            return graphScene();
        GraphScene* left = m_compare->leftView()->graphScene();
        GraphScene* right = m_compare->rightView()->graphScene();
        return left->selectedIndex() < 0 && right->selectedIndex() >= 0 ? right : left;
    };
    QAction* expand = view->addAction(tr("E&xpand Group"), this, [scene] {
        GraphScene* s = scene();
        const int i = s->selectedIndex();
        if (i >= 0 && s->layoutGraph().nodes[std::size_t(i)].kind == LayoutNodeKind::Group)
            s->expandGroup(s->layoutGraph().nodes[std::size_t(i)].name);
    });
    expand->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Down));
    expand->setToolTip(tr("Show the nodes of the selected group (or double-click it)"));
    QAction* collapse = view->addAction(tr("&Collapse Group"), this, [scene] {
        GraphScene* s = scene();
        // The innermost scope around the selection not drawn collapsed yet: pressed again, the
        // next one out.
        for (const std::string& g : s->groupsAround(s->selectedNode()))
            if (!s->collapsedGroups().count(g)) {
                s->collapseGroup(g);
                break;
            }
    });
    collapse->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Up));
    collapse->setToolTip(tr("Draw the name scope around the selected node as one box"));
    view->addAction(tr("Expand &All Groups"), this, [scene] { scene()->expandAllGroups(); });
    view->addAction(tr("Collapse All &Groups"), this, [scene] { scene()->collapseAllGroups(); });
}

void MainWindow::createSimplifyUi()
{
    m_timeline = new PassTimeline(m_session, this);
    m_timelineDock = new QDockWidget(tr("Passes"), this);
    m_timelineDock->setObjectName(QStringLiteral("timelineDock"));
    // In a small window the dock shrinks and its content scrolls: every control stays reachable.
    auto* timelineScroll = new QScrollArea(this);
    timelineScroll->setObjectName(QStringLiteral("timelineScroll"));
    timelineScroll->setWidgetResizable(true);
    timelineScroll->setFrameShape(QFrame::NoFrame);
    timelineScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    timelineScroll->setWidget(m_timeline);
    m_timelineDock->setWidget(timelineScroll);
    addDockWidget(Qt::RightDockWidgetArea, m_timelineDock);

    m_inspector = new Inspector(this);
    m_inspectorDock = new QDockWidget(tr("Inspector"), this);
    m_inspectorDock->setObjectName(QStringLiteral("inspectorDock"));
    m_inspectorDock->setWidget(m_inspector);
    addDockWidget(Qt::RightDockWidgetArea, m_inspectorDock);
    tabifyDockWidget(m_timelineDock, m_inspectorDock);
    m_timelineDock->raise();

    m_summaryPanel = new SummaryPanel(this);
    m_summaryDock = new QDockWidget(tr("Summary"), this);
    m_summaryDock->setObjectName(QStringLiteral("summaryDock"));
    m_summaryDock->setWidget(m_summaryPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_summaryDock);
    tabifyDockWidget(m_inspectorDock, m_summaryDock);
    m_timelineDock->raise();

    QMenu* menu = menuBar()->addMenu(tr("&Simplify"));
    for (QAction* a : {m_timeline->stepAction(), m_timeline->backAction(), m_timeline->runAction(),
                       m_timeline->resetAction(), m_timeline->cancelAction()})
        menu->addAction(a);
    menu->addSeparator();
    m_compareAction = menu->addAction(tr("Side by Side"));
    m_compareAction->setCheckable(true);
    m_compareAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    connect(m_compareAction, &QAction::toggled, this, [this](bool on) { showCompare(on); });
    QAction* verify = menu->addAction(tr("&Verify on Random Inputs"), this, [this] {
        m_summaryDock->show();
        m_summaryDock->raise();
        m_summaryPanel->verify();
    });
    verify->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    menu->addSeparator();
    QAction* save = menu->addAction(tr("Save Simplified Model &As..."), this, &MainWindow::chooseSaveSimplified);
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    // Also in the File menu, before Export, where one looks for saving.
    if (QMenu* file = menuBar()->actions().value(0) ? menuBar()->actions().value(0)->menu() : nullptr)
        for (QAction* a : file->actions())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)) {
                file->insertAction(a, save);
                break;
            }
    menu->addAction(tr("Save &Report..."), this, &MainWindow::chooseSaveReport);
    menu->addSeparator();
    menu->addAction(m_timelineDock->toggleViewAction());
    menu->addAction(m_inspectorDock->toggleViewAction());
    menu->addAction(m_summaryDock->toggleViewAction());

    connect(m_session, &SimplifySession::changed, this, &MainWindow::onSessionChanged);
    connect(m_session, &SimplifySession::failed, this, [this](const QString& e) { statusBar()->showMessage(e, 10000); });
    connect(m_timeline, &PassTimeline::cumulativeChanged, m_compare, &CompareView::setCumulative);
    connect(m_view->graphScene(), &GraphScene::nodeSelected, this, [this](NodeId id) { inspect(false, id); });
    // Values as drawn: a body's outer-scope inputs with their types (see BodyGraph.h).
    connect(m_view->graphScene(), &GraphScene::valueSelected, this, [this](const QString& v) {
        if (const auto g = graphScene()->graph(); g && m_model)
            m_inspector->showValue(*m_model, *g, v.toStdString());
    });
    connect(m_compare, &CompareView::nodeSelected, this, [this](bool left, NodeId id) { inspect(left, id); });
    // The single view and the side by side show one model: groups opened or closed in one are
    // so in the other (when they show the same graph; queued, as between the two sides).
    GraphScene* single = m_view->graphScene();
    GraphScene* before = m_compare->leftView()->graphScene();
    for (auto [from, to] : {std::pair{single, before}, std::pair{before, single}})
        connect(from, &GraphScene::collapsedGroupsChanged, this,
                [this, from = from, to = to] {
                    if (m_path == m_compare->path())
                        to->setCollapsedGroups(from->collapsedGroups());
                },
                Qt::QueuedConnection);
    connect(m_compare, &CompareView::valueSelected, this, [this](bool left, const QString& v) {
        auto model = left ? m_compare->leftModel() : m_compare->rightModel();
        const auto graph = (left ? m_compare->leftView() : m_compare->rightView())->graphScene()->graph();
        if (model && graph)
            m_inspector->showValue(*model, *graph, v.toStdString());
    });
    connect(m_inspector, &Inspector::nodeActivated, this, [this](NodeId id) {
        if (isComparing())
            m_compare->rightView()->centerOnNode(id);
        else
            m_view->centerOnNode(id);
    });

    // Into If/Loop/Scan bodies and back: the inspector's graph attributes, a double-click on the
    // node, the breadcrumbs, Alt+Up. Both views show the same body where they can.
    connect(m_inspector, &Inspector::openSubgraph, this, &MainWindow::openSubgraph);
    connect(m_inspector, &Inspector::scopeActivated, this, [this](const QString& path) {
        // The inspected node's view: the side by side's side with the selection, or the single view.
        GraphScene* scene = graphScene();
        if (isComparing()) {
            GraphScene* left = m_compare->leftView()->graphScene();
            GraphScene* right = m_compare->rightView()->graphScene();
            scene = left->selectedIndex() < 0 && right->selectedIndex() >= 0 ? right : left;
        }
        scene->collapseGroup(path.toStdString());
    });
    connect(graphScene(), &GraphScene::subgraphRequested, this, &MainWindow::openSubgraph);
    connect(m_crumbs, &BreadcrumbBar::crumbActivated, this,
            [this](int depth) { openGraphPath(GraphPath(m_path.begin(), m_path.begin() + depth)); });
    connect(m_compare, &CompareView::pathChanged, this, [this](const GraphPath& path) { showInSingleView(path); });
    for (GraphView* v : {m_view, m_compare->leftView()})
        connect(v->graphScene(), &GraphScene::layoutFinished, this, [this, v](bool ok) {
            if (ok && m_pendingShow != kNoNode && v->isVisible() && v->graphScene()->nodeItem(m_pendingShow)) {
                v->centerOnNode(m_pendingShow);
                m_pendingShow = kNoNode;
            }
        });
}

void MainWindow::onSessionChanged()
{
    const Pipeline* p = m_session->pipeline();
    if (!p)
        return;
    if (p->position() > 0 && !isComparing())
        showCompare(true);
    m_summaryPanel->setModels(p->originalPtr(), p->currentPtr());
    updateModified();
    updateStatus();
}

QList<GraphView*> MainWindow::shownViews() const
{
    if (!isComparing())
        return {m_view};
    QList<GraphView*> views;
    if (m_compare->leftGraph())
        views << m_compare->leftView();
    if (m_compare->rightGraph())
        views << m_compare->rightView();
    return views;
}

void MainWindow::updateZoomLabel()
{
    QStringList parts;
    for (GraphView* v : shownViews()) {
        const qreal z = v->zoom();
        const QString text = QStringLiteral("%1%").arg(z * 100, 0, 'f', z < 0.1 ? 1 : 0);
        if (!parts.contains(text))
            parts << text;
    }
    m_zoomLabel->setText(parts.join(QStringLiteral(" | ")));
    m_zoomLabel->setToolTip(parts.size() > 1 ? tr("Zoom of the before and the after side") : tr("Zoom"));
}

void MainWindow::showCompare(bool on)
{
    m_stack->setCurrentIndex(on ? 1 : 0);
    m_search->setSides(on ? m_compare->leftView() : nullptr, on ? m_compare->rightView() : nullptr);
    if (m_compareAction->isChecked() != on) {
        const QSignalBlocker block(m_compareAction);
        m_compareAction->setChecked(on);
    }
    if (on)
        m_compare->refresh();
    updateZoomLabel();
}

bool MainWindow::isComparing() const { return m_stack->currentWidget() == m_compare; }

void MainWindow::inspect(bool left, NodeId id)
{
    std::shared_ptr<const Model> model = m_model;
    const Graph* graph = shownGraph();
    if (isComparing()) {
        model = left ? m_compare->leftModel() : m_compare->rightModel();
        graph = left ? m_compare->leftGraph() : m_compare->rightGraph();
    }
    if (!model || !graph || id == kNoNode || !graph->findNode(id)) {
        m_inspector->clear();
        return;
    }
    m_inspector->showNode(*model, *graph, id);
    // What became of this node (the node selected now), then why a pass kept it.
    QString note = isComparing() ? m_compare->fateText(left, id) : QString();
    if (const Pipeline* p = m_session->pipeline(); p && !m_session->busy() && !(isComparing() && left && m_compare->outcomes().count(id))) {
        const auto kept = p->keptReasons();
        auto it = kept.find(id);
        if (it != kept.end())
            note = note.isEmpty() ? QString::fromStdString(it->second) : note + "\n" + QString::fromStdString(it->second);
    }
    if (!note.isEmpty())
        m_inspector->setStatusNote(note);
}

bool MainWindow::saveSimplified(const QString& path)
{
    auto model = m_session->after();
    if (!model) {
        m_lastError = tr("No model to save.");
        return false;
    }
    try {
        saveModel(*model, path.toStdString());
        m_savedSnapshot = model;
        updateModified();
        statusBar()->showMessage(tr("Saved %1 (%2).").arg(path, nodeCountText(model->graph)), 8000);
        return true;
    } catch (const std::exception& e) {
        m_lastError = QString::fromStdString(e.what());
        statusBar()->showMessage(m_lastError, 10000);
        return false;
    }
}

bool MainWindow::saveReport(const QString& path)
{
    const Pipeline* p = m_session->pipeline();
    if (!p) {
        m_lastError = tr("No model to report on.");
        return false;
    }
    const std::string text = path.endsWith(".json", Qt::CaseInsensitive) ? pipelineReport(*p).dump(2) + "\n"
                                                                          : pipelineMarkdown(*p);
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(text.data(), static_cast<qint64>(text.size())) < 0 || !f.commit()) {
        m_lastError = tr("Cannot write '%1': %2.").arg(path, f.errorString());
        return false;
    }
    return true;
}

void MainWindow::chooseSaveSimplified()
{
    QString base = m_model && !m_model->sourcePath.empty()
                       ? QFileInfo(QString::fromStdString(m_model->sourcePath)).absolutePath() + "/"
                             + QFileInfo(QString::fromStdString(m_model->sourcePath)).completeBaseName()
                       : QStringLiteral("model");
    const QString path = QFileDialog::getSaveFileName(this, tr("Save simplified model"), base + ".simplified.onnx",
                                                      tr("ONNX models (*.onnx)"));
    if (!path.isEmpty() && !saveSimplified(path))
        QMessageBox::warning(this, tr("Save failed"), m_lastError);
}

void MainWindow::chooseSaveReport()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Save step report"), QStringLiteral("netfold-report.md"),
                                                      tr("Markdown (*.md);;JSON (*.json)"));
    if (!path.isEmpty() && !saveReport(path))
        QMessageBox::warning(this, tr("Save failed"), m_lastError);
}

void MainWindow::applyOption(const std::function<void()>& change)
{
    change();
    updateStatus();
}

bool MainWindow::openFile(const QString& path)
{
    try {
        QElapsedTimer clock;
        clock.start();
        auto model = std::make_unique<Model>(openModel(path.toStdString()));
        if (qEnvironmentVariableIntValue("NETFOLD_TIMING"))
            qInfo("netfold: load %.1f ms", clock.nsecsElapsed() / 1e6);
        setModel(std::move(model), QFileInfo(path).fileName());
        addRecent(QFileInfo(path).absoluteFilePath());
        return true;
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

bool MainWindow::openSample()
{
    QFile f(":/models/sample-reshape.onnx");
    if (!f.open(QIODevice::ReadOnly)) {
        showError(tr("The bundled sample model is missing from this build."));
        return false;
    }
    const QByteArray bytes = f.readAll();
    try {
        auto model = std::make_unique<Model>(openModelBytes(bytes.toStdString()));
        setModel(std::move(model), "sample-reshape.onnx");
        return true;
    } catch (const std::exception& e) {
        showError(QString::fromStdString(e.what()));
        return false;
    }
}

void MainWindow::setModel(std::unique_ptr<Model> model, const QString& displayName)
{
    m_model = std::move(model);
    m_lastError.clear();
    m_path.clear();
    m_pendingShow = kNoNode;
    m_displayName = displayName;
    m_crumbs->setPath(m_model->graph, m_path, displayName);
    m_compare->setRootName(displayName);
    setWindowTitle(displayName + "[*] - netfold");
    m_savedSnapshot.reset();
    setWindowModified(false);
    m_nodeList->clear();
    m_nodeListFilled = false;
    if (m_nodeDock->isVisible())
        fillNodeList();
    const Graph& g = m_model->graph;
    uint64_t bytes = 0;
    for (const auto& i : g.initializers)
        bytes += i.tensor->byteSize();
    m_summary = tr("%1, %2 initializers (%3), opset %4")
                    .arg(nodeCountText(g))
                    .arg(g.initializers.size())
                    .arg(QString::fromStdString(formatBytes(bytes)))
                    .arg(m_model->opsetVersion(""));
    // The scene shares the model's graph (no copy: the pointer keeps the model alive).
    graphScene()->setGraph(std::shared_ptr<const Graph>(m_model, &m_model->graph), m_model->opsetVersion(""));
    showCompare(false);
    m_inspector->clear();
    m_session->setModel(m_model, m_timeline->newModelOptions());
    updateStatus();
}

void MainWindow::updateStatus()
{
    QString text = m_summary;
    if (const Pipeline* p = m_session->pipeline(); p && !m_session->busy() && p->position() > 0)
        text += tr("; after step %1: %2").arg(p->position()).arg(nodeCountText(p->current().graph));
    if (const Graph* g = shownGraph(); g && !m_path.empty())
        text += tr("; showing %1 (%2)").arg(m_crumbs->crumbs().last(), nodeCountText(*g));
    const LayoutResult& r = graphScene()->layoutResult();
    if (graphScene()->isLayoutComplete() && r.stats.chunks > 1)
        text += tr("; drawn in %1 chunks, %2 long edges as stubs").arg(r.stats.chunks).arg(r.stats.stubbedEdges);
    m_status->setText(text);
}

QTreeWidget* MainWindow::nodeList()
{
    fillNodeList();
    return m_nodeList;
}

void MainWindow::fillNodeList()
{
    if (m_nodeListFilled || !m_model)
        return;
    m_nodeListFilled = true;
    m_nodeList->setUpdatesEnabled(false);
    std::function<void(const Graph&, QTreeWidgetItem*)> fill = [&](const Graph& graph, QTreeWidgetItem* parent) {
        QList<QTreeWidgetItem*> items;
        for (const auto& n : graph.nodes) {
            QStringList cols{QString::fromStdString(n.label()), QString::fromStdString(n.opType), join(n.inputs),
                             join(n.outputs)};
            auto* item = new QTreeWidgetItem(cols);
            item->setData(0, Qt::UserRole, static_cast<qulonglong>(n.id));
            auto note = graph.inferenceNotes.find(n.id);
            if (note != graph.inferenceNotes.end())
                item->setToolTip(0, QString::fromStdString(note->second));
            for (const auto& sg : n.subgraphs) {
                auto* body = new QTreeWidgetItem(item, {QString::fromStdString(sg.attribute), tr("graph")});
                fill(*sg.graph, body);
            }
            items << item;
        }
        if (parent)
            parent->addChildren(items);
        else
            m_nodeList->addTopLevelItems(items);
    };
    fill(m_model->graph, nullptr);
    for (int c = 0; c < 2; ++c)
        m_nodeList->resizeColumnToContents(c);
    m_nodeList->setUpdatesEnabled(true);
}

void MainWindow::onNodeListItem(QTreeWidgetItem* item)
{
    if (item)
        showNode(static_cast<NodeId>(item->data(0, Qt::UserRole).toULongLong()));
}

const Graph* MainWindow::shownGraph() const { return m_model ? resolvePath(m_model->graph, m_path) : nullptr; }

bool MainWindow::showInSingleView(const GraphPath& path)
{
    const Graph* g = m_model ? resolvePath(m_model->graph, path) : nullptr;
    if (!g)
        return false;
    if (path != m_path) {
        m_path = path;
        graphScene()->setGraph(drawableGraph(m_model, m_path), m_model->opsetVersion(""));
        m_crumbs->setPath(m_model->graph, m_path, m_displayName);
        if (!isComparing())
            m_inspector->clear();
        updateStatus();
    }
    return true;
}

bool MainWindow::openGraphPath(const GraphPath& path)
{
    // The view in sight decides; the other follows where it has the same body (the compare view
    // tells through pathChanged, which shows it in the single view too).
    if (isComparing())
        return m_compare->setPath(path);
    if (!showInSingleView(path))
        return false;
    m_compare->setPath(path);
    return true;
}

void MainWindow::openSubgraph(NodeId id, const QString& attribute)
{
    GraphPath path = isComparing() ? m_compare->path() : m_path;
    path.push_back({id, attribute.toStdString()});
    if (!openGraphPath(path))
        statusBar()->showMessage(tr("There is no %1 of node %2 here.").arg(attribute).arg(id), 8000);
}

bool MainWindow::showNode(NodeId id)
{
    if (!m_model || id == kNoNode)
        return false;
    const std::optional<GraphPath> path = pathToNode(m_model->graph, id);
    if (!path || !openGraphPath(*path))
        return false;
    GraphView* view = isComparing() ? m_compare->leftView() : m_view;
    if (view->graphScene()->nodeItem(id) && !view->graphScene()->isLayoutRunning()) {
        view->centerOnNode(id);
        m_pendingShow = kNoNode;
    } else {
        m_pendingShow = id; // once the body is laid out
    }
    return true;
}

void MainWindow::showSearch()
{
    m_searchDock->show();
    m_searchDock->raise();
    m_search->activate();
}

void MainWindow::showError(const QString& message)
{
    m_lastError = message;
    statusBar()->showMessage(message, 10000);
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Cannot open model"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setObjectName("loadErrorBox");
    box->open();
}

bool MainWindow::exportTo(const QString& path, ExportSides sides)
{
    QString error;
    if (isComparing()) {
        const auto which = sides == ExportSides::Before  ? CompareView::ExportSides::Before
                           : sides == ExportSides::After ? CompareView::ExportSides::After
                                                         : CompareView::ExportSides::Both;
        if (m_compare->exportTo(path, which, &error))
            return true;
    } else if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
        QSaveFile f(path);
        if (f.open(QIODevice::WriteOnly) && graphScene()->writeSvg(&f, &error) && f.commit())
            return true;
        if (error.isEmpty())
            error = tr("Cannot write '%1': %2.").arg(path, f.errorString());
    } else {
        const QImage image = graphScene()->renderImage(2.0);
        if (!image.isNull() && image.save(path))
            return true;
        error = tr("Cannot write the image '%1'.").arg(path);
    }
    m_lastError = error;
    statusBar()->showMessage(error, 10000);
    return false;
}

void MainWindow::chooseExport()
{
    const QString base = m_model ? QFileInfo(windowTitle().section(QLatin1String(" - "), 0, 0)).completeBaseName()
                                 : QStringLiteral("graph");
    ExportSides sides = ExportSides::Both;
    if (isComparing()) {
        const QStringList choices{tr("The comparison (both sides)"), tr("The before side"), tr("The after side")};
        bool ok = false;
        const QString choice = QInputDialog::getItem(this, tr("Export graph"), tr("Export:"), choices, 0, false, &ok);
        if (!ok)
            return;
        sides = ExportSides(choices.indexOf(choice));
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Export graph"), base + QStringLiteral(".svg"),
                                                      tr("SVG (*.svg);;PNG image (*.png)"));
    if (!path.isEmpty() && !exportTo(path, sides))
        QMessageBox::warning(this, tr("Export failed"), m_lastError);
}

QStringList MainWindow::recentFiles() const { return QSettings().value("recentFiles").toStringList(); }

void MainWindow::addRecent(const QString& path)
{
    QStringList list = recentFiles();
    list.removeAll(path);
    list.prepend(path);
    while (list.size() > kMaxRecent)
        list.removeLast();
    QSettings().setValue("recentFiles", list);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu()
{
    m_recentMenu->clear();
    const QStringList list = recentFiles();
    for (const QString& path : list)
        m_recentMenu->addAction(path, this, [this, path] {
            if (confirmDiscard())
                openFile(path);
        });
    m_recentMenu->setEnabled(!list.isEmpty());
}

void MainWindow::chooseFile()
{
    if (!confirmDiscard())
        return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open ONNX model"), lastDirectory(),
                                                      tr("ONNX models (*.onnx);;All files (*)"));
    if (path.isEmpty())
        return;
    rememberDirectory(path);
    openFile(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const auto urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.first().isLocalFile()) {
        if (!confirmDiscard())
            return;
        openFile(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreWindowSettings(*this, settings);
    m_persistSettings = true;
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    saveWindowSettings(*this, settings);
}

void MainWindow::resetLayout()
{
    restoreState(m_defaultLayout);
    if (!isMaximized() && !isFullScreen())
        resize(1280, 800);
    resetSplitters(*this);
}

QDialog* MainWindow::showAbout()
{
    auto* about = new AboutDialog(this);
    about->setAttribute(Qt::WA_DeleteOnClose);
    about->show();
    return about;
}

bool MainWindow::hasUnsavedSimplification() const
{
    const Pipeline* p = m_session->pipeline();
    if (!p || m_session->busy() || p->position() == 0)
        return false;
    const std::shared_ptr<const Model> saved = m_savedSnapshot.lock();
    return !saved || saved != m_session->after();
}

void MainWindow::updateModified() { setWindowModified(hasUnsavedSimplification()); }

bool MainWindow::confirmDiscard()
{
    if (!hasUnsavedSimplification())
        return true;
    QMessageBox box(QMessageBox::Warning, tr("Unsaved simplification"),
                    tr("The simplified model of %1 is not saved.").arg(m_displayName),
                    QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("discardBox"));
    box.setInformativeText(tr("Save it before going on?"));
    box.setDefaultButton(QMessageBox::Save);
    switch (box.exec()) {
    case QMessageBox::Discard:
        return true;
    case QMessageBox::Save:
        chooseSaveSimplified();
        return !hasUnsavedSimplification();
    default:
        return false;
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    if (!confirmDiscard()) {
        event->ignore();
        return;
    }
    if (m_persistSettings)
        saveSettings();
    QMainWindow::closeEvent(event);
}

} // namespace netfold
