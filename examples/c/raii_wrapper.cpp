// raii_wrapper.cpp: the C API from C++: a small RAII wrapper (handles and strings freed by
// destructors, statuses turned into exceptions), then a run with a snapshot taken midway and
// restored into an independent copy that continues identically.
//
//   c++ -std=c++17 raii_wrapper.cpp $(pkg-config --cflags --libs payment_sim) -o raii_wrapper
//   ./raii_wrapper examples/c/minimal.json
#include <cstdint>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "payment_sim.h"

namespace psim {

// A failed call: the status and the library's message.
class Error : public std::runtime_error {
  public:
    Error(psim_status status, const char *message)
        : std::runtime_error(message), status_(status) {}
    psim_status status() const noexcept { return status_; }

  private:
    psim_status status_;
};

inline void check(psim_status status) {
    if (status != PSIM_STATUS_OK) {
        throw Error(status, psim_last_error());  // copy the message before the next call
    }
}

// Take ownership of a string returned by the library.
inline std::string take(char *text) {
    std::unique_ptr<char, void (*)(char *)> owned(text, psim_string_free);
    return owned ? std::string(owned.get()) : std::string();
}

class Simulation {
  public:
    explicit Simulation(const std::string &config_json) {
        psim_sim_t *raw = nullptr;
        check(psim_sim_new(config_json.c_str(), &raw));
        handle_.reset(raw);
    }

    static Simulation restore(const std::string &snapshot_json) {
        psim_sim_t *raw = nullptr;
        check(psim_sim_restore(snapshot_json.c_str(), &raw));
        return Simulation(raw);
    }

    std::string tick() { return document([this](char **out) { return psim_sim_tick(get(), out); }); }
    std::string run(std::uint64_t ticks) {
        return document([&](char **out) { return psim_sim_run(get(), ticks, out); });
    }
    std::string submit(const std::string &tx_json) {
        return document([&](char **out) { return psim_sim_submit(get(), tx_json.c_str(), out); });
    }
    std::string stats() const {
        return document([this](char **out) { return psim_sim_stats(get(), out); });
    }
    std::string snapshot() const {
        return document([this](char **out) { return psim_sim_snapshot(get(), out); });
    }
    std::int64_t balance(const std::string &agent_id) const {
        std::int64_t value = 0;
        check(psim_sim_agent_balance(get(), agent_id.c_str(), &value));
        return value;
    }
    std::uint64_t current_tick() const {
        std::uint64_t value = 0;
        check(psim_sim_current_tick(get(), &value));
        return value;
    }

  private:
    struct Free {
        void operator()(psim_sim_t *sim) const noexcept { psim_sim_free(sim); }
    };
    explicit Simulation(psim_sim_t *raw) : handle_(raw) {}
    psim_sim_t *get() const noexcept { return handle_.get(); }

    template <typename Call>
    static std::string document(Call call) {
        char *out = nullptr;
        check(call(&out));
        return take(out);
    }

    std::unique_ptr<psim_sim_t, Free> handle_;
};

}  // namespace psim

static std::string read_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

int main(int argc, char **argv) {
    try {
        const std::string path = argc > 1 ? argv[1] : "examples/c/minimal.json";
        psim::Simulation sim(read_file(path));

        std::cout << "submitted " << sim.submit(R"({"sender": "BANK_A", "receiver": "BANK_B",
                                                    "amount": 750000, "priority": 8})")
                  << '\n';
        for (int i = 0; i < 3; ++i) {
            std::cout << "tick: " << sim.tick() << '\n';
        }
        sim.run(20);

        // Snapshot midway; the restored copy is independent and continues identically.
        psim::Simulation copy = psim::Simulation::restore(sim.snapshot());
        const std::string a = sim.run(50), b = copy.run(50);
        std::cout << "after tick " << sim.current_tick() << ", original and restored copy "
                  << (a == b && sim.stats() == copy.stats() ? "agree" : "DIFFER") << '\n';
        std::cout << "BANK_A balance: " << sim.balance("BANK_A") << '\n';

        try {
            sim.balance("BANK_Z");
        } catch (const psim::Error &e) {
            std::cout << "expected error (status " << e.status() << "): " << e.what() << '\n';
            if (e.status() != PSIM_STATUS_NOT_FOUND) {
                return 1;
            }
        }
        return a == b ? 0 : 1;
    } catch (const std::exception &e) {
        std::cerr << "error: " << e.what() << '\n';
        return 1;
    }
}
