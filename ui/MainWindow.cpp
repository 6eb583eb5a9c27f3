#include "MainWindow.h"

#include "model/Error.h"
#include "model/ModelIO.h"
#include "model/ModelSummary.h"

#include <QAction>
#include <QApplication>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QSettings>
#include <QStatusBar>
#include <QTreeWidget>

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

    m_nodeList = new QTreeWidget(this);
    m_nodeList->setHeaderLabels({"Node", "Op", "Inputs", "Outputs"});
    m_nodeList->setRootIsDecorated(true);
    m_nodeList->setUniformRowHeights(true);
    m_nodeList->header()->setSectionResizeMode(QHeaderView::Interactive);
    setCentralWidget(m_nodeList);

    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open..."), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Sample"), this, [this] { openSample(); });
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), qApp, &QApplication::closeAllWindows);
    quit->setShortcut(QKeySequence::Quit);
    rebuildRecentMenu();

    m_status = new QLabel(this);
    statusBar()->addWidget(m_status, 1);
}

MainWindow::~MainWindow() = default;

bool MainWindow::openFile(const QString& path)
{
    try {
        auto model = std::make_unique<Model>(loadModel(path.toStdString()));
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
        auto model = std::make_unique<Model>(modelFromBytes(bytes.toStdString()));
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
    setWindowTitle(displayName + " - netfold");
    m_nodeList->clear();
    const Graph& g = m_model->graph;
    std::function<void(const Graph&, QTreeWidgetItem*)> fill = [&](const Graph& graph, QTreeWidgetItem* parent) {
        for (const auto& n : graph.nodes) {
            QStringList cols{QString::fromStdString(n.label()), QString::fromStdString(n.opType), join(n.inputs),
                             join(n.outputs)};
            auto* item = parent ? new QTreeWidgetItem(parent, cols) : new QTreeWidgetItem(m_nodeList, cols);
            item->setData(0, Qt::UserRole, static_cast<qulonglong>(n.id));
            auto note = graph.inferenceNotes.find(n.id);
            if (note != graph.inferenceNotes.end())
                item->setToolTip(0, QString::fromStdString(note->second));
            for (const auto& sg : n.subgraphs) {
                auto* body = new QTreeWidgetItem(item, {QString::fromStdString(sg.attribute), tr("graph")});
                fill(*sg.graph, body);
            }
        }
    };
    fill(g, nullptr);
    for (int c = 0; c < 2; ++c)
        m_nodeList->resizeColumnToContents(c);
    std::size_t initCount = g.initializers.size();
    uint64_t bytes = 0;
    for (const auto& i : g.initializers)
        bytes += i.tensor->byteSize();
    m_status->setText(tr("%1 nodes, %2 initializers (%3), opset %4")
                          .arg(g.nodes.size())
                          .arg(initCount)
                          .arg(QString::fromStdString(formatBytes(bytes)))
                          .arg(m_model->opsetVersion("")));
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
        m_recentMenu->addAction(path, this, [this, path] { openFile(path); });
    m_recentMenu->setEnabled(!list.isEmpty());
}

void MainWindow::chooseFile()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open ONNX model"), QString(),
                                                      tr("ONNX models (*.onnx);;All files (*)"));
    if (!path.isEmpty())
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
        openFile(urls.first().toLocalFile());
        event->acceptProposedAction();
    }
}

} // namespace netfold
