#include "layout/DotWorkers.h"

#include "util/FdIo.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <sys/wait.h>
#include <unistd.h>

namespace netfold::dotworkers {

void appendFrame(std::string& bytes, int job, const DotOutput& out)
{
    const std::size_t start = bytes.size();
    const int32_t j = job;
    bytes.append(reinterpret_cast<const char*>(&j), sizeof j);
    bytes.append(4, '\0');
    appendDotOutput(bytes, out);
    const uint32_t size = static_cast<uint32_t>(bytes.size() - start - 8);
    std::memcpy(&bytes[start + 4], &size, sizeof size);
}

void FrameReader::feed(const char* data, std::size_t size, const std::function<void(int, DotOutput&&)>& onJob)
{
    buffer_.append(data, size);
    std::size_t at = 0;
    while (buffer_.size() - at >= 8) {
        int32_t job;
        uint32_t length;
        std::memcpy(&job, buffer_.data() + at, 4);
        std::memcpy(&length, buffer_.data() + at + 4, 4);
        if (buffer_.size() - at - 8 < length)
            break;
        DotOutput out;
        const char* p = buffer_.data() + at + 8;
        if (readDotOutput(p, p + length, out))
            onJob(job, std::move(out));
        at += 8 + length;
    }
    buffer_.erase(0, at);
}

namespace {

/// The child: one thread, a copy of the parent's memory. It only runs dot and writes.
[[noreturn]] void runChild(int fd, const std::vector<int>& jobs, const std::function<const DotInput&(int)>& input)
{
    int status = 0;
    try {
        std::string frame;
        for (int j : jobs) {
            const DotOutput out = runDotInForkedChild(input(j));
            frame.clear();
            appendFrame(frame, j, out);
            if (!writeAll(fd, frame.data(), frame.size()))
                break;
        }
    } catch (...) {
        status = 1;
    }
    ::_exit(status);
}

} // namespace

ChildWorker forkWorker(const std::vector<int>& jobs, const std::function<const DotInput&(int)>& input)
{
    ChildWorker w;
    w.jobs = jobs;
    int fds[2];
    if (jobs.empty() || ::pipe2(fds, O_CLOEXEC) != 0)
        return w;
    pid_t pid;
    {
        // Nobody may be inside Graphviz (or hold its lock) when the child's copy is made.
        std::lock_guard<std::mutex> lock(graphvizMutex());
        prepareGraphvizForFork();
        pid = ::fork();
    }
    if (pid == 0) {
        ::close(fds[0]);
        runChild(fds[1], jobs, input);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return w;
    }
    w.pid = pid;
    w.fd = fds[0];
    return w;
}

void readWorker(ChildWorker& w, const std::function<void(int, DotOutput&&)>& onJob, const std::function<bool()>& cancel)
{
    FrameReader reader;
    char chunk[65536];
    for (;;) {
        if (cancel()) {
            ::kill(w.pid, SIGKILL);
            break;
        }
        const ssize_t n = ::read(w.fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        reader.feed(chunk, static_cast<std::size_t>(n), onJob);
    }
    ::close(w.fd);
    w.fd = -1;
}

void reapWorker(ChildWorker& w, bool kill)
{
    if (w.pid <= 0)
        return;
    if (kill)
        ::kill(w.pid, SIGKILL);
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    w.pid = -1;
}

} // namespace netfold::dotworkers
