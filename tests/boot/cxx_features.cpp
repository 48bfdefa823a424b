// C++ runtime features on kiln: iostream, exceptions unwinding across frames,
// static constructors and destructors (in order, destructors at exit),
// std::thread with std::mutex and std::condition_variable, thread_local.
// Every line of output is deterministic.
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

// Static objects: constructed before main in definition order, destroyed
// after main returns in reverse order.  Destructors use stdio, which stays
// usable until after all static destructors have run.
struct Tracer {
    explicit Tracer(const char *name) : m_name(name) { std::printf("static ctor %s\n", m_name); }
    ~Tracer() { std::printf("static dtor %s\n", m_name); }
    const char *m_name;
};
Tracer g_first("first");
Tracer g_second("second");

struct AppError : std::runtime_error {
    AppError(const std::string &what, int code) : std::runtime_error(what), m_code(code) {}
    int m_code;
};

struct Guard {
    explicit Guard(int depth) : m_depth(depth) {}
    ~Guard() { std::cout << "  unwind frame " << m_depth << '\n'; }
    int m_depth;
};

[[gnu::noinline]] int descend(int depth)
{
    Guard guard(depth);
    if (depth == 0)
        throw AppError("bottom reached", 7);
    return descend(depth - 1) + 1;
}

void test_exceptions()
{
    try {
        descend(3);
        std::cout << "no exception?\n";
    } catch (const std::exception &e) {  // caught by base class
        const auto *app = dynamic_cast<const AppError *>(&e);
        std::cout << "caught std::exception: " << e.what() << " code=" << (app ? app->m_code : -1) << '\n';
    }
    try {
        try {
            throw std::runtime_error("inner");
        } catch (const std::runtime_error &e) {
            std::cout << "caught " << e.what() << ", rethrowing as logic_error\n";
            throw std::logic_error(std::string("outer from ") + e.what());
        }
    } catch (const std::logic_error &e) {
        std::cout << "caught logic_error: " << e.what() << '\n';
    }
    try {
        std::vector<int> v(3);
        (void)v.at(10);
    } catch (const std::out_of_range &) {
        std::cout << "caught out_of_range from vector::at\n";
    }
    try {
        throw 42;
    } catch (int v) {
        std::cout << "caught int " << v << '\n';
    }
}

void test_producer_consumer()
{
    std::mutex mutex;
    std::condition_variable cv;
    std::queue<int> queue;
    bool finished = false;
    long sum = 0;
    std::vector<int> received;

    std::thread consumer([&] {
        for (;;) {
            std::unique_lock lock(mutex);
            cv.wait(lock, [&] { return !queue.empty() || finished; });
            if (queue.empty())
                return;
            int v = queue.front();
            queue.pop();
            lock.unlock();
            received.push_back(v);
            sum += v;
        }
    });
    std::thread producer([&] {
        for (int i = 1; i <= 1000; i++) {
            {
                std::lock_guard lock(mutex);
                queue.push(i);
            }
            cv.notify_one();
        }
        {
            std::lock_guard lock(mutex);
            finished = true;
        }
        cv.notify_one();
    });
    producer.join();
    consumer.join();
    bool in_order = received.size() == 1000;
    for (size_t i = 0; in_order && i < received.size(); i++)
        in_order = received[i] == int(i + 1);
    std::cout << "producer/consumer: received " << received.size() << " items, sum " << sum
              << (in_order ? ", in order" : ", OUT OF ORDER") << '\n';
}

thread_local int tl_counter = 100;
thread_local std::string tl_name = "main";

void test_thread_local()
{
    constexpr int kThreads = 4;
    std::vector<int> results(kThreads);
    std::vector<std::string> names(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; t++) {
        threads.emplace_back([&, t] {
            // every thread starts from the initial value, not main's
            tl_name = "worker" + std::to_string(t);
            for (int i = 0; i < (t + 1) * 1000; i++)
                tl_counter++;
            std::this_thread::yield();
            results[t] = tl_counter;
            names[t] = tl_name;
        });
    }
    tl_counter += 1;
    for (auto &th : threads)
        th.join();
    for (int t = 0; t < kThreads; t++)
        std::cout << "thread_local " << names[t] << ": " << results[t] << '\n';
    std::cout << "thread_local " << tl_name << ": " << tl_counter << '\n';
}

}  // namespace

int main()
{
    std::cout << "main starts" << std::endl;
    test_exceptions();
    test_producer_consumer();
    test_thread_local();
    std::cout << "main returns" << std::endl;
    return 0;
}
