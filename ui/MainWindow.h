#pragma once
#include "model/Graph.h"

#include <QMainWindow>
#include <memory>

class QTreeWidget;
class QLabel;
class QMenu;

namespace netfold {

/// The main window: opens a model (argument, File > Open, drag and drop, recent files) and shows it.
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
    /// The node list (a first view of the graph).
    QTreeWidget* nodeList() const { return m_nodeList; }
    /// Recent files, most recent first.
    QStringList recentFiles() const;

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void setModel(std::unique_ptr<Model> model, const QString& displayName);
    void showError(const QString& message);
    void addRecent(const QString& path);
    void rebuildRecentMenu();
    void chooseFile();

    std::unique_ptr<Model> m_model;
    QTreeWidget* m_nodeList = nullptr;
    QLabel* m_status = nullptr;
    QMenu* m_recentMenu = nullptr;
    QString m_lastError;
};

} // namespace netfold
