// Deterministic random numbers for the generator. std::mt19937_64's output
// sequence is fixed by the C++ standard; the distributions below are our own
// (std:: distributions are implementation-defined), so a given --seed gives
// the same pages on every platform.
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace scantab::synth {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : engine_(seed) {}
  std::uint64_t next() { return engine_(); }
  // Uniform in [a, b).
  double uniform(double a, double b) { return a + (b - a) * double(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [a, b].
  int uniform_int(int a, int b) { return a + int(engine_() % std::uint64_t(b - a + 1)); }
  bool chance(double p) { return uniform(0, 1) < p; }
  // Normal(0, sigma) by Box-Muller.
  double gauss(double sigma) {
    const double u1 = uniform(0x1.0p-53, 1.0), u2 = uniform(0, 1);
    return sigma * std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace scantab::synth
