//! Closed-form queueing theory (Erlang B/C, M/M/c, M/G/1, Jackson networks, Erlang A) used to validate the simulator.
//!
//! # Units
//!
//! Every rate (arrival, service, abandonment) is "per unit of time" for one
//! time unit of the caller's choosing, and every time returned is expressed
//! in that same unit. Passing rates per minute therefore yields waits in
//! minutes; passing rates per hour yields waits in hours. The only inputs
//! that are times rather than rates are the mean service times of the
//! Pollaczek–Khinchine functions ([`mg1_mean_wait`], [`md1_mean_wait`]).
//!
//! # Invalid inputs
//!
//! Functions return `None` instead of panicking when an input is negative,
//! non-finite, zero where a positive value is needed, or when the queue is
//! unstable (utilisation at or above one).
//!
//! # Sources
//!
//! * Erlang B recursion and the B → C conversion: Cooper, *Introduction to
//!   Queueing Theory*, 2nd ed. (1981), ch. 3; Gross, Shortle, Thompson &
//!   Harris, *Fundamentals of Queueing Theory*, 4th ed. (2008), §2.3.
//! * M/M/c waiting time `Wq = C(c, a) / (cμ − λ)`: Gross et al. (2008), §2.3.
//! * Pollaczek–Khinchine mean wait: Kleinrock, *Queueing Systems Vol. 1* (1975), §5.6.
//! * Jackson networks: Jackson, "Jobshop-like queueing systems", *Management
//!   Science* 10 (1963) 131–142; Burke's output theorem for tandems, *Operations
//!   Research* 4 (1956) 699–704.
//! * Erlang A (M/M/c+M): Palm (1943); Garnett, Mandelbaum & Reiman,
//!   "Designing a call center with impatient customers", *Manufacturing &
//!   Service Operations Management* 4 (2002) 208–227.

/// Smallest pivot magnitude accepted by the Gaussian elimination used for Jackson networks.
const PIVOT_TOLERANCE: f64 = 1e-12;

/// Relative size below which the neglected tail of the Erlang A birth–death chain is dropped.
const ERLANG_A_TAIL_TOLERANCE: f64 = 1e-16;

/// Minimum number of states beyond `servers` that the Erlang A chain always includes.
const ERLANG_A_MIN_EXTRA_STATES: u64 = 2_000;

/// Maximum number of states beyond `servers` before [`erlang_a`] gives up and returns `None`.
const ERLANG_A_MAX_EXTRA_STATES: u64 = 20_000_000;

/// True when `x` is a finite, strictly positive number.
fn is_positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// True when `x` is a finite, non-negative number.
fn is_non_negative(x: f64) -> bool {
    x.is_finite() && x >= 0.0
}

/// Erlang B (M/M/c/c loss) blocking probability for `servers` servers and an
/// offered load `a = λ/μ` in erlangs.
///
/// Uses the numerically stable recursion `B(0) = 1`,
/// `B(k) = a·B(k−1) / (k + a·B(k−1))` (Cooper 1981, ch. 3), whose
/// intermediate values all lie in `[0, 1]`, so it neither overflows nor
/// loses precision for thousands of servers.
///
/// Returns `None` if `servers == 0` or `offered_load` is negative or non-finite.
/// The loss system is stable for every load, so `a ≥ c` is accepted.
pub fn erlang_b_blocking_probability(servers: u32, offered_load: f64) -> Option<f64> {
    if servers == 0 || !is_non_negative(offered_load) {
        return None;
    }
    let mut blocking = 1.0;
    for k in 1..=servers {
        let numerator = offered_load * blocking;
        blocking = numerator / (f64::from(k) + numerator);
    }
    Some(blocking)
}

/// Erlang C probability that an arriving customer must wait in an M/M/c
/// queue with `servers` servers and offered load `a = λ/μ` (erlangs).
///
/// Computed from Erlang B as `C = B / (1 − ρ(1 − B))` with `ρ = a/c`
/// (Cooper 1981, ch. 3), which is stable for `c` up to (at least) 1000.
///
/// Returns `None` if `servers == 0`, `offered_load` is negative or
/// non-finite, or the queue is unstable (`offered_load >= servers`).
pub fn erlang_c_wait_probability(servers: u32, offered_load: f64) -> Option<f64> {
    let servers_f = f64::from(servers);
    if servers == 0 || !is_non_negative(offered_load) || offered_load >= servers_f {
        return None;
    }
    let blocking = erlang_b_blocking_probability(servers, offered_load)?;
    let utilisation = offered_load / servers_f;
    Some(blocking / (1.0 - utilisation * (1.0 - blocking)))
}

/// Mean time spent waiting in queue (before service) in an M/M/c queue:
/// `Wq = C(c, λ/μ) / (cμ − λ)` (Gross et al. 2008, §2.3).
///
/// `arrival_rate` (λ) and `service_rate` (μ, per server) are per unit time;
/// the result is in the same time unit. Returns `None` for invalid inputs
/// (λ < 0, μ ≤ 0, non-finite values, `servers == 0`) or if `λ ≥ cμ`.
pub fn mmc_mean_wait(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    if !is_non_negative(arrival_rate) || !is_positive(service_rate) {
        return None;
    }
    let wait_probability = erlang_c_wait_probability(servers, arrival_rate / service_rate)?;
    let spare_capacity = f64::from(servers) * service_rate - arrival_rate;
    if spare_capacity <= 0.0 {
        return None;
    }
    Some(wait_probability / spare_capacity)
}

/// Mean time in system (wait plus service) in an M/M/c queue:
/// `W = Wq + 1/μ` (Gross et al. 2008, §2.3).
///
/// Same units and validity rules as [`mmc_mean_wait`].
pub fn mmc_mean_sojourn(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    Some(mmc_mean_wait(arrival_rate, service_rate, servers)? + 1.0 / service_rate)
}

/// Mean number of customers waiting (not in service) in an M/M/c queue:
/// `Lq = λ·Wq` (Little's law).
///
/// Same validity rules as [`mmc_mean_wait`].
pub fn mmc_mean_queue_length(arrival_rate: f64, service_rate: f64, servers: u32) -> Option<f64> {
    Some(arrival_rate * mmc_mean_wait(arrival_rate, service_rate, servers)?)
}

/// Mean wait in queue of an M/G/1 queue by the Pollaczek–Khinchine formula
/// (Kleinrock 1975, §5.6):
/// `Wq = λ·E[S²] / (2(1 − ρ))` with `E[S²] = (1 + scv)·E[S]²` and `ρ = λ·E[S]`.
///
/// `arrival_rate` is per unit time, `mean_service` is a time in the same
/// unit, and `service_scv` is the squared coefficient of variation
/// `Var[S]/E[S]²` of the service time (0 = deterministic, 1 = exponential).
/// Returns `None` for invalid inputs or if `ρ ≥ 1`.
pub fn mg1_mean_wait(arrival_rate: f64, mean_service: f64, service_scv: f64) -> Option<f64> {
    if !is_non_negative(arrival_rate) || !is_positive(mean_service) || !is_non_negative(service_scv) {
        return None;
    }
    let utilisation = arrival_rate * mean_service;
    if utilisation >= 1.0 {
        return None;
    }
    let second_moment = (1.0 + service_scv) * mean_service * mean_service;
    Some(arrival_rate * second_moment / (2.0 * (1.0 - utilisation)))
}

/// Mean wait in queue of an M/D/1 queue (deterministic service time
/// `service_time`): Pollaczek–Khinchine with `scv = 0`, i.e.
/// `Wq = ρ·service_time / (2(1 − ρ))`, half the M/M/1 value.
///
/// `service_time` is in the time unit of `1/arrival_rate`. Returns `None`
/// for invalid inputs or if `ρ = λ·service_time ≥ 1`.
pub fn md1_mean_wait(arrival_rate: f64, service_time: f64) -> Option<f64> {
    mg1_mean_wait(arrival_rate, service_time, 0.0)
}

/// Mean end-to-end time in system for Poisson arrivals at rate
/// `arrival_rate` passing through M/M/c stations in series, each given as
/// `(service_rate, servers)`.
///
/// By Burke's theorem (1956) the departures of a stable M/M/c queue are
/// Poisson, and by Jackson (1963) the stations behave as independent M/M/c
/// queues, so the mean sojourn is the sum of the station sojourns.
/// An empty tandem has zero sojourn. Returns `None` if any station is
/// invalid or unstable.
pub fn tandem_mean_sojourn(arrival_rate: f64, stations: &[(f64, u32)]) -> Option<f64> {
    stations.iter().try_fold(0.0, |total, &(service_rate, servers)| {
        Some(total + mmc_mean_sojourn(arrival_rate, service_rate, servers)?)
    })
}

/// Total arrival rate ("visit rate" or throughput) of every station in an
/// open Jackson network, solving the traffic equations `λ = γ + Pᵀλ`
/// (Jackson 1963), i.e. `λ_j = γ_j + Σ_i λ_i·P[i][j]`.
///
/// * `external_arrivals[j]` is the external (Poisson) arrival rate γ_j at station `j`.
/// * `routing[i][j]` is the probability that a customer leaving station `i`
///   goes next to station `j`; `1 − Σ_j routing[i][j]` is the probability of
///   leaving the network.
///
/// The linear system `(I − Pᵀ)λ = γ` is solved by dense Gaussian elimination
/// with partial pivoting. Returns `None` if the dimensions disagree, a rate
/// is negative or non-finite, a routing row is not sub-stochastic, or the
/// system is singular (some customers can never leave the network).
pub fn jackson_network_visit_rates(external_arrivals: &[f64], routing: &[Vec<f64>]) -> Option<Vec<f64>> {
    let n = external_arrivals.len();
    if routing.len() != n || !external_arrivals.iter().all(|&g| is_non_negative(g)) {
        return None;
    }
    for row in routing {
        if row.len() != n || !row.iter().all(|&p| is_non_negative(p)) {
            return None;
        }
        if row.iter().sum::<f64>() > 1.0 + 1e-12 {
            return None;
        }
    }
    // Build I − Pᵀ.
    let matrix: Vec<Vec<f64>> = (0..n)
        .map(|j| {
            (0..n)
                .map(|i| {
                    let identity = if i == j { 1.0 } else { 0.0 };
                    identity - routing[i][j]
                })
                .collect()
        })
        .collect();
    let mut rates = solve_dense(matrix, external_arrivals.to_vec())?;
    let scale = external_arrivals.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    for rate in &mut rates {
        // Round-off can leave values like −1e−17; real negatives mean an invalid system.
        if *rate < -1e-9 * scale || !rate.is_finite() {
            return None;
        }
        *rate = rate.max(0.0);
    }
    Some(rates)
}

/// Solves `a·x = b` for a small dense square system by Gaussian elimination
/// with partial pivoting (Golub & Van Loan, *Matrix Computations*, Alg. 3.4.1).
/// Returns `None` if a pivot is smaller than [`PIVOT_TOLERANCE`].
fn solve_dense(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for col in 0..n {
        let pivot_row = (col..n).max_by(|&r, &s| a[r][col].abs().total_cmp(&a[s][col].abs()))?;
        if a[pivot_row][col].abs() < PIVOT_TOLERANCE {
            return None;
        }
        a.swap(col, pivot_row);
        b.swap(col, pivot_row);
        let (upper, lower) = a.split_at_mut(col + 1);
        let pivot = &upper[col];
        for (offset, row) in lower.iter_mut().enumerate() {
            let factor = row[col] / pivot[col];
            if factor != 0.0 {
                for (entry, &pivot_entry) in row.iter_mut().zip(pivot.iter()).skip(col) {
                    *entry -= factor * pivot_entry;
                }
                b[col + 1 + offset] -= factor * b[col];
            }
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let known: f64 = a[row].iter().zip(x.iter()).skip(row + 1).map(|(coef, value)| coef * value).sum();
        x[row] = (b[row] - known) / a[row][row];
    }
    Some(x)
}

/// Mean time in system per external arrival for an open Jackson network of
/// M/M/c stations (Jackson 1963).
///
/// `external_arrivals` and `routing` are as in [`jackson_network_visit_rates`];
/// `stations[i] = (service_rate, servers)` describes station `i`. Each
/// station behaves as an independent M/M/c queue fed at its visit rate
/// `λ_i`, holding on average `L_i = λ_i·W_i` customers; by Little's law the
/// network-wide mean sojourn is `Σ L_i / Σ γ_i`.
///
/// Returns `None` if the inputs are inconsistent, any station is unstable,
/// or the total external arrival rate is zero.
pub fn jackson_mean_sojourn(external_arrivals: &[f64], routing: &[Vec<f64>], stations: &[(f64, u32)]) -> Option<f64> {
    if stations.len() != external_arrivals.len() {
        return None;
    }
    let total_external: f64 = external_arrivals.iter().sum();
    if !is_positive(total_external) {
        return None;
    }
    let visit_rates = jackson_network_visit_rates(external_arrivals, routing)?;
    let total_in_system =
        visit_rates.iter().zip(stations).try_fold(0.0, |total, (&rate, &(service_rate, servers))| {
            Some(total + rate * mmc_mean_sojourn(rate, service_rate, servers)?)
        })?;
    Some(total_in_system / total_external)
}

/// Steady-state performance of an Erlang A (M/M/c+M) queue; see [`erlang_a`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Probability that an arrival finds all servers busy and must wait,
    /// `P(N ≥ c)` (by PASTA).
    pub wait_probability: f64,
    /// Mean time spent waiting in queue, averaged over *all* arrivals
    /// (those served immediately count zero; those who abandon count the
    /// time until they abandon). Same time unit as `1/arrival_rate`.
    pub mean_wait: f64,
    /// Fraction of arrivals who abandon before service starts.
    pub abandonment_probability: f64,
    /// Mean number of customers waiting (not in service), `E[(N − c)⁺]`.
    pub mean_queue_length: f64,
}

/// Exact steady-state measures of the Erlang A queue (M/M/c+M): Poisson
/// arrivals at `arrival_rate` (λ), `servers` (c) exponential servers with
/// rate `service_rate` (μ), and exponential patience with rate
/// `abandonment_rate` (θ, i.e. mean patience `1/θ`).
///
/// The number in system is a birth–death chain with birth rate λ and death
/// rate `min(n, c)·μ + max(n − c, 0)·θ` (Palm 1943; Garnett, Mandelbaum &
/// Reiman 2002). Its stationary distribution `p_n ∝ Π_{k≤n} λ/d_k` is summed
/// with a scaled recursion (the running maximum term is kept at 1, so
/// nothing overflows even for thousands of servers). The chain is truncated
/// once the (geometrically bounded) remaining tail is below `1e-16` of the
/// accumulated mass, and never before state `c + 2000`. Then
/// `P(wait) = P(N ≥ c)` (PASTA), `E[Lq] = Σ (n − c)⁺ p_n`,
/// `P(abandon) = θ·E[Lq]/λ` and `mean_wait = E[Lq]/λ` (Little's law).
///
/// With `abandonment_rate == 0` the model is Erlang C (M/M/c) and requires
/// `λ < cμ`. Returns `None` for invalid inputs, for `θ = 0` with an unstable
/// queue, or if the chain needs more than 20 million states beyond `c`
/// (extremely small θ with λ > cμ).
pub fn erlang_a(arrival_rate: f64, service_rate: f64, servers: u32, abandonment_rate: f64) -> Option<ErlangA> {
    if servers == 0
        || !is_non_negative(arrival_rate)
        || !is_positive(service_rate)
        || !is_non_negative(abandonment_rate)
    {
        return None;
    }
    if arrival_rate == 0.0 {
        return Some(ErlangA {
            wait_probability: 0.0,
            mean_wait: 0.0,
            abandonment_probability: 0.0,
            mean_queue_length: 0.0,
        });
    }
    if abandonment_rate == 0.0 {
        let offered_load = arrival_rate / service_rate;
        let wait_probability = erlang_c_wait_probability(servers, offered_load)?;
        let mean_wait = mmc_mean_wait(arrival_rate, service_rate, servers)?;
        return Some(ErlangA {
            wait_probability,
            mean_wait,
            abandonment_probability: 0.0,
            mean_queue_length: arrival_rate * mean_wait,
        });
    }

    let c = u64::from(servers);
    let death_rate = |n: u64| -> f64 {
        if n <= c {
            n as f64 * service_rate
        } else {
            f64::from(servers) * service_rate + (n - c) as f64 * abandonment_rate
        }
    };

    // `term` is p_n divided by the largest p_k seen so far; the sums are
    // scaled consistently, so only ratios of them are meaningful.
    let mut term = 1.0_f64;
    let mut mass = 1.0_f64; // Σ p_n
    let mut waiting_mass = 0.0_f64; // Σ_{n ≥ c} p_n
    let mut queue_mass = 0.0_f64; // Σ (n − c)⁺ p_n
    let max_state = c + ERLANG_A_MAX_EXTRA_STATES;
    let mut n = 0_u64;
    loop {
        n += 1;
        if n > max_state {
            return None;
        }
        term *= arrival_rate / death_rate(n);
        if term > 1.0 {
            mass /= term;
            waiting_mass /= term;
            queue_mass /= term;
            term = 1.0;
        }
        mass += term;
        if n >= c {
            waiting_mass += term;
            queue_mass += (n - c) as f64 * term;
        }
        if n < c + ERLANG_A_MIN_EXTRA_STATES {
            continue;
        }
        let next_death = death_rate(n + 1);
        if next_death <= arrival_rate {
            continue; // still before the mode of the distribution
        }
        // Beyond n every ratio p_{k+1}/p_k ≤ r < 1, so the tail is bounded by
        // a geometric series (and its first moment).
        let r = arrival_rate / next_death;
        let geometric = r / (1.0 - r);
        let tail_mass = term * geometric;
        let tail_queue = term * ((n - c) as f64 * geometric + geometric / (1.0 - r));
        if tail_mass <= ERLANG_A_TAIL_TOLERANCE * mass && tail_queue <= ERLANG_A_TAIL_TOLERANCE * queue_mass {
            break;
        }
    }

    let mean_queue_length = queue_mass / mass;
    Some(ErlangA {
        wait_probability: waiting_mass / mass,
        mean_wait: mean_queue_length / arrival_rate,
        abandonment_probability: abandonment_rate * mean_queue_length / arrival_rate,
        mean_queue_length,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts `|actual − expected| ≤ tolerance` with a readable message.
    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "actual {actual} differs from expected {expected} by more than {tolerance}"
        );
    }

    /// Rounds to `digits` decimal places, to compare with printed tables.
    fn round_to(x: f64, digits: i32) -> f64 {
        let scale = 10_f64.powi(digits);
        (x * scale).round() / scale
    }

    #[test]
    fn erlang_c_published_table_30_per_hour_5_minute_service() {
        // 30 arrivals/hour = 0.5/min, 5-minute service = 0.2/min, a = 2.5 erlangs.
        let arrival_per_minute = 0.5;
        let service_per_minute = 0.2;
        let expected = [(3, 0.702, 7.02), (4, 0.320, 1.07), (5, 0.130, 0.26), (6, 0.047, 0.07)];
        for (servers, wait_probability, mean_wait_minutes) in expected {
            let c = erlang_c_wait_probability(servers, arrival_per_minute / service_per_minute).expect("stable");
            assert_close(round_to(c, 3), wait_probability, 1e-12);
            let wq = mmc_mean_wait(arrival_per_minute, service_per_minute, servers).expect("stable");
            assert_close(round_to(wq, 2), mean_wait_minutes, 1e-12);
        }
    }

    #[test]
    fn pooling_examples() {
        // 6 arrivals/hour, 12-minute service, 2 windows: 6.75 minutes.
        let wq = mmc_mean_wait(6.0 / 60.0, 1.0 / 12.0, 2).expect("stable");
        assert_close(wq, 6.75, 1e-9);
        // 30 arrivals/hour, 12-minute service (a = 6 erlangs): 10 windows 0.30, 8 windows 2.14.
        let wq10 = mmc_mean_wait(30.0 / 60.0, 1.0 / 12.0, 10).expect("stable");
        assert_close(round_to(wq10, 2), 0.30, 1e-12);
        let wq8 = mmc_mean_wait(30.0 / 60.0, 1.0 / 12.0, 8).expect("stable");
        assert_close(round_to(wq8, 2), 2.14, 1e-12);
    }

    #[test]
    fn two_server_closed_form() {
        // For c = 2, C = 2ρ²/(1 + ρ) (Gross et al. 2008, §2.3).
        for rho in [0.1, 0.5, 0.6, 0.9, 0.99] {
            let c = erlang_c_wait_probability(2, 2.0 * rho).expect("stable");
            assert_close(c, 2.0 * rho * rho / (1.0 + rho), 1e-14);
        }
    }

    #[test]
    fn mm1_sanity() {
        for (lambda, mu) in [(0.5, 1.0), (0.9, 1.0), (3.0, 4.0), (0.01, 2.0)] {
            let rho = lambda / mu;
            let wq = mmc_mean_wait(lambda, mu, 1).expect("stable");
            assert_close(wq, rho / (mu - lambda), 1e-12 * wq.max(1.0));
            let w = mmc_mean_sojourn(lambda, mu, 1).expect("stable");
            assert_close(w, 1.0 / (mu - lambda), 1e-12 * w);
            // Erlang C for one server is ρ.
            assert_close(erlang_c_wait_probability(1, rho).expect("stable"), rho, 1e-15);
        }
    }

    #[test]
    fn md1_is_half_mm1_and_mg1_exponential_matches_mm1() {
        for (lambda, mu) in [(0.5, 1.0), (0.9, 1.0), (3.0, 4.0)] {
            let mm1 = mmc_mean_wait(lambda, mu, 1).expect("stable");
            let md1 = md1_mean_wait(lambda, 1.0 / mu).expect("stable");
            assert_close(md1, mm1 / 2.0, 1e-12 * mm1);
            let mg1 = mg1_mean_wait(lambda, 1.0 / mu, 1.0).expect("stable");
            assert_close(mg1, mm1, 1e-12 * mm1);
        }
    }

    #[test]
    fn invalid_and_unstable_inputs_give_none() {
        assert_eq!(erlang_c_wait_probability(3, 3.0), None);
        assert_eq!(erlang_c_wait_probability(3, 4.0), None);
        assert_eq!(erlang_c_wait_probability(0, 0.5), None);
        assert_eq!(erlang_c_wait_probability(3, -1.0), None);
        assert_eq!(erlang_c_wait_probability(3, f64::NAN), None);
        assert_eq!(mmc_mean_wait(1.0, 0.0, 3), None);
        assert_eq!(mmc_mean_wait(1.0, 0.5, 2), None);
        assert_eq!(mmc_mean_wait(-1.0, 0.5, 2), None);
        assert_eq!(mg1_mean_wait(1.0, 1.0, 0.0), None);
        assert_eq!(mg1_mean_wait(0.5, 1.0, -0.1), None);
        assert_eq!(md1_mean_wait(0.5, f64::INFINITY), None);
        assert_eq!(erlang_a(1.0, 0.5, 2, 0.0), None);
        assert_eq!(erlang_a(1.0, 0.5, 0, 1.0), None);
        assert_eq!(erlang_a(1.0, -0.5, 2, 1.0), None);
        assert_eq!(erlang_b_blocking_probability(0, 1.0), None);
    }

    #[test]
    fn zero_arrivals_mean_no_wait() {
        assert_eq!(erlang_c_wait_probability(4, 0.0), Some(0.0));
        assert_eq!(mmc_mean_wait(0.0, 1.0, 4), Some(0.0));
        assert_eq!(mmc_mean_sojourn(0.0, 0.5, 4), Some(2.0));
        let a = erlang_a(0.0, 1.0, 3, 1.0).expect("valid");
        assert_eq!(a.wait_probability, 0.0);
    }

    /// Erlang C from its defining formula, evaluated in log space.
    fn erlang_c_direct(servers: u32, a: f64) -> f64 {
        let c = f64::from(servers);
        let ln_a = a.ln();
        // ln(a^k / k!) for k = 0..c.
        let mut ln_terms = Vec::with_capacity(servers as usize + 1);
        let mut ln_term = 0.0;
        ln_terms.push(ln_term);
        for k in 1..=servers {
            ln_term += ln_a - f64::from(k).ln();
            ln_terms.push(ln_term);
        }
        let ln_top = ln_term + (c / (c - a)).ln();
        let max = ln_top.max(ln_terms.iter().copied().fold(f64::MIN, f64::max));
        let below: f64 = ln_terms[..servers as usize].iter().map(|&l| (l - max).exp()).sum();
        let top = (ln_top - max).exp();
        top / (below + top)
    }

    #[test]
    fn erlang_c_stable_for_many_servers() {
        for (servers, a) in [(1000, 990.0), (1000, 950.0), (1000, 999.9), (500, 480.0), (50, 40.0)] {
            let recursive = erlang_c_wait_probability(servers, a).expect("stable");
            let direct = erlang_c_direct(servers, a);
            assert!(recursive.is_finite() && (0.0..=1.0).contains(&recursive));
            assert_close(recursive, direct, 1e-9);
        }
    }

    #[test]
    fn erlang_b_small_cases() {
        // B(1, a) = a / (1 + a); B(2, a) = a²/2 / (1 + a + a²/2).
        assert_close(erlang_b_blocking_probability(1, 2.0).expect("valid"), 2.0 / 3.0, 1e-15);
        let b2 = erlang_b_blocking_probability(2, 2.0).expect("valid");
        assert_close(b2, 2.0 / 5.0, 1e-15);
        // Overloaded loss systems are still defined.
        assert!(erlang_b_blocking_probability(2, 10.0).expect("valid") > 0.5);
    }

    #[test]
    fn erlang_a_published_figures() {
        // 100 arrivals/hour, 6-minute service (μ = 10/h), 10-minute mean patience (θ = 6/h).
        let ten = erlang_a(100.0, 10.0, 10, 6.0).expect("valid");
        assert_close(ten.wait_probability, 0.599, 1e-3);
        assert_close(ten.abandonment_probability, 0.109, 1e-3);
        let twelve = erlang_a(100.0, 10.0, 12, 6.0).expect("valid");
        assert_close(twelve.wait_probability, 0.332, 1e-3);
        assert_close(twelve.abandonment_probability, 0.043, 1e-3);
        // Same chain evaluated independently to 30 digits (mpmath, 5000 states).
        assert_close(ten.wait_probability, 0.599_433_318_028_138, 1e-12);
        assert_close(ten.abandonment_probability, 0.109_437_999_558_502, 1e-12);
        assert_close(ten.mean_queue_length, 1.823_966_659_308_37, 1e-11);
        assert_close(twelve.wait_probability, 0.331_802_035_543_8, 1e-12);
        assert_close(twelve.abandonment_probability, 0.042_711_105_698_606_9, 1e-12);
        // Internal consistency: P(abandon) = θ·Wq and Lq = λ·Wq.
        assert_close(ten.abandonment_probability, 6.0 * ten.mean_wait, 1e-15);
        assert_close(ten.mean_queue_length, 100.0 * ten.mean_wait, 1e-12);
    }

    #[test]
    fn erlang_a_with_patience_rate_equal_to_service_rate_is_m_m_infinity() {
        // With θ = μ every customer in the system leaves at rate μ, so N is
        // Poisson(a) as in M/M/∞: the mean number present is a and each
        // customer's mean time in system is 1/μ (served or abandoned).
        let (lambda, mu, servers) = (8.0, 1.0, 6_u32);
        let a = lambda / mu;
        let result = erlang_a(lambda, mu, servers, mu).expect("valid");
        // Poisson(a) probabilities.
        let mut p = (-a).exp();
        let mut below = 0.0;
        let mut busy_below = 0.0;
        for n in 0..servers {
            below += p;
            busy_below += f64::from(n) * p;
            p *= a / f64::from(n + 1);
        }
        let wait_probability = 1.0 - below;
        // E[(N − c)⁺] = E[N] − c + Σ_{n<c} (c − n) p_n.
        let queue = a - f64::from(servers) + f64::from(servers) * below - busy_below;
        assert_close(result.wait_probability, wait_probability, 1e-12);
        assert_close(result.mean_queue_length, queue, 1e-12);
        // Mean busy servers = a − Lq, and a fraction P(abandon) of the load is lost.
        assert_close(result.abandonment_probability, result.mean_queue_length / a, 1e-12);
        // M/M/∞ sojourn: wait + service for the served = 1/μ on average.
        let served = 1.0 - result.abandonment_probability;
        assert_close(result.mean_wait + served / mu, 1.0 / mu, 1e-12);
    }

    #[test]
    fn erlang_a_with_large_patience_and_huge_patience_rate() {
        // Very impatient customers (θ huge) make the queue a loss system: Erlang B.
        let result = erlang_a(4.0, 1.0, 5, 1e9).expect("valid");
        let blocking = erlang_b_blocking_probability(5, 4.0).expect("valid");
        assert_close(result.wait_probability, blocking, 1e-6);
        assert_close(result.abandonment_probability, blocking, 1e-6);
        assert!(result.mean_wait < 1e-8);
    }

    #[test]
    fn erlang_a_with_tiny_abandonment_approaches_erlang_c() {
        let (lambda, mu, servers) = (2.5, 1.0, 3_u32);
        let c = erlang_c_wait_probability(servers, lambda / mu).expect("stable");
        let wq = mmc_mean_wait(lambda, mu, servers).expect("stable");
        let result = erlang_a(lambda, mu, servers, 1e-9).expect("valid");
        assert_close(result.wait_probability, c, 1e-6);
        assert_close(result.mean_wait, wq, 1e-6);
        assert!(result.abandonment_probability < 1e-6);
        // θ = 0 exactly uses Erlang C.
        let exact = erlang_a(lambda, mu, servers, 0.0).expect("stable");
        assert_eq!(exact.wait_probability, c);
        assert_eq!(exact.mean_wait, wq);
    }

    #[test]
    fn erlang_a_overloaded_and_large() {
        // Overloaded (λ > cμ) is stable thanks to abandonment; all customers
        // beyond capacity abandon in the heavy-traffic limit: P(ab) ≥ 1 − cμ/λ.
        let result = erlang_a(120.0, 10.0, 10, 6.0).expect("valid");
        assert!(result.abandonment_probability >= 1.0 - 100.0 / 120.0);
        // Independent 30-digit evaluation of the same chain (mpmath, 5000 states).
        assert_close(result.wait_probability, 0.827_250_315_385_654, 1e-12);
        assert_close(result.abandonment_probability, 0.200_138_489_511_939, 1e-12);
        // 1000 servers and a load of 1000 erlangs: no overflow.
        let big = erlang_a(1000.0, 1.0, 1000, 0.5).expect("valid");
        assert!(big.wait_probability.is_finite() && big.wait_probability > 0.0);
        assert!(big.wait_probability < 1.0);
        assert!(big.abandonment_probability.is_finite() && big.abandonment_probability < 0.1);
    }

    #[test]
    fn tandem_of_three_equals_sum_of_three_mmc() {
        let lambda = 0.8;
        let stations = [(1.0, 1), (0.5, 2), (0.3, 4)];
        let expected: f64 = stations.iter().map(|&(mu, c)| mmc_mean_sojourn(lambda, mu, c).expect("stable")).sum();
        let tandem = tandem_mean_sojourn(lambda, &stations).expect("stable");
        assert_close(tandem, expected, 1e-12);
        // The same line expressed as a Jackson network.
        let routing = vec![vec![0.0, 1.0, 0.0], vec![0.0, 0.0, 1.0], vec![0.0, 0.0, 0.0]];
        let jackson = jackson_mean_sojourn(&[lambda, 0.0, 0.0], &routing, &stations).expect("stable");
        assert_close(jackson, expected, 1e-12);
        // An unstable station makes the whole line undefined.
        assert_eq!(tandem_mean_sojourn(lambda, &[(1.0, 1), (0.5, 1)]), None);
        assert_eq!(tandem_mean_sojourn(lambda, &[]), Some(0.0));
    }

    #[test]
    fn jackson_feedback_visit_rates_by_hand() {
        // γ = (1, 0); station 1 → station 2 always; station 2 → station 1 with 0.2, else exit.
        // λ1 = 1 + 0.2·λ2, λ2 = λ1  ⇒  λ1 = λ2 = 1/0.8 = 1.25.
        let routing = vec![vec![0.0, 1.0], vec![0.2, 0.0]];
        let rates = jackson_network_visit_rates(&[1.0, 0.0], &routing).expect("solvable");
        assert_close(rates[0], 1.25, 1e-14);
        assert_close(rates[1], 1.25, 1e-14);

        // Three stations: γ = (2, 1, 0); 1 → 2 (0.5), 1 → 3 (0.5); 2 → 3 (1);
        // 3 → 1 (0.2), else exit.
        // λ1 = 2 + 0.2λ3, λ2 = 1 + 0.5λ1, λ3 = 0.5λ1 + λ2 = 1 + λ1
        // ⇒ λ1 = 2 + 0.2(1 + λ1) ⇒ 0.8λ1 = 2.2 ⇒ λ1 = 2.75, λ2 = 2.375, λ3 = 3.75.
        let routing = vec![vec![0.0, 0.5, 0.5], vec![0.0, 0.0, 1.0], vec![0.2, 0.0, 0.0]];
        let rates = jackson_network_visit_rates(&[2.0, 1.0, 0.0], &routing).expect("solvable");
        assert_close(rates[0], 2.75, 1e-13);
        assert_close(rates[1], 2.375, 1e-13);
        assert_close(rates[2], 3.75, 1e-13);
        // Flow balance: external input = exits (only station 3 exits, with 0.8).
        assert_close(0.8 * rates[2], 3.0, 1e-13);

        // Mean sojourn via Little's law.
        let stations = [(4.0, 1), (1.5, 2), (2.0, 3)];
        let total_l: f64 =
            rates.iter().zip(stations).map(|(&l, (mu, c))| l * mmc_mean_sojourn(l, mu, c).expect("stable")).sum();
        let sojourn = jackson_mean_sojourn(&[2.0, 1.0, 0.0], &routing, &stations).expect("stable");
        assert_close(sojourn, total_l / 3.0, 1e-12);
    }

    #[test]
    fn jackson_rejects_closed_or_malformed_networks() {
        // Customers bounce between two stations forever: singular system.
        let closed = vec![vec![0.0, 1.0], vec![1.0, 0.0]];
        assert_eq!(jackson_network_visit_rates(&[1.0, 0.0], &closed), None);
        // Row sums above one.
        let bad = vec![vec![0.6, 0.6], vec![0.0, 0.0]];
        assert_eq!(jackson_network_visit_rates(&[1.0, 0.0], &bad), None);
        // Dimension mismatch.
        assert_eq!(jackson_network_visit_rates(&[1.0], &[vec![0.0, 0.0]]), None);
        // Negative probability or arrival rate.
        assert_eq!(jackson_network_visit_rates(&[1.0], &[vec![-0.1]]), None);
        assert_eq!(jackson_network_visit_rates(&[-1.0], &[vec![0.0]]), None);
        // No external arrivals: sojourn undefined.
        assert_eq!(jackson_mean_sojourn(&[0.0], &[vec![0.0]], &[(1.0, 1)]), None);
        // Stations list of wrong length.
        assert_eq!(jackson_mean_sojourn(&[1.0], &[vec![0.0]], &[]), None);
    }

    #[test]
    fn jackson_pivoting_handles_zero_diagonal_after_elimination() {
        // Self-loop of probability one would be singular; 0.5 self-loop doubles the visits.
        let routing = vec![vec![0.5]];
        let rates = jackson_network_visit_rates(&[1.0], &routing).expect("solvable");
        assert_close(rates[0], 2.0, 1e-15);
        assert_eq!(jackson_network_visit_rates(&[1.0], &[vec![1.0]]), None);
    }
}
