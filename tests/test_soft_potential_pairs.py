"""solve_soft_pairs: mirror partners (η, −t) from symmetry agree with solving them."""
import numpy as np
import pytest

from tlsmc.spectrum.soft_solver import solve_soft, solve_soft_pairs

SAME = ("eps0", "eps1", "eps2", "E21")
ELEMENTS = ("x00", "x11", "x2_00", "x2_11", "x3_00", "x3_11", "D_over_c")


def _pairs():
    rng = np.random.default_rng(5)
    eta = np.concatenate([-rng.uniform(2, 20, 60), rng.uniform(0.5, 20, 40), [-6.0, 3.0]])
    t = np.concatenate([rng.normal(0, 0.3, 60), rng.uniform(-12, 12, 40), [0.0, 0.2]])
    e = np.repeat(eta, 2)
    tt = np.stack([t, -t], axis=1).ravel()
    tt[-1] = 0.7                                   # last pair is not a mirror pair
    return np.append(e, -5.0), np.append(tt, 0.1)  # odd length: last sample unpaired


@pytest.mark.parametrize("chi", [0.0, 1.0])
def test_mirror_partners_agree_with_solving_them(chi):
    eta, t = _pairs()
    a, b = solve_soft_pairs(eta, t, chi=chi), solve_soft(eta, t, chi=chi)
    np.testing.assert_array_equal(a.eta, b.eta)
    np.testing.assert_array_equal(a.t, b.t)
    for f in ("kind", "resolved", "n_basis", "branch_ok"):
        np.testing.assert_array_equal(getattr(a, f), getattr(b, f), err_msg=f)
    for f in SAME:
        np.testing.assert_allclose(getattr(a, f), getattr(b, f), rtol=1e-11, atol=1e-14, err_msg=f)
    tol = 2.0 * np.maximum(a.rel_err, b.rel_err) + 1e-12      # the solver's own error estimate
    for f in ("E", "delta0", "delta", "ratio"):
        x, y = getattr(a, f), getattr(b, f)
        assert np.all(np.abs(x - y) <= tol * np.abs(y) + 1e-300), f
    ok = b.branch_ok
    for f in ELEMENTS + ("delta_shift",):
        np.testing.assert_allclose(getattr(a, f)[ok], getattr(b, f)[ok], rtol=0, atol=1e-11,
                                   err_msg=f)
    for f in ("x01", "x2_01", "x3_01", "M_over_c"):          # sign: phase convention
        np.testing.assert_allclose(np.abs(getattr(a, f)[ok]), np.abs(getattr(b, f)[ok]),
                                   rtol=0, atol=1e-11, err_msg=f)
    assert chi == 0.0 or not np.array_equal(a.delta_shift[0::2], a.delta_shift[1::2])


def test_odd_fields_change_sign_and_input_checks():
    a = solve_soft_pairs(np.array([-8.0, -8.0]), np.array([0.05, -0.05]))
    assert a.x00[1] == -a.x00[0] and a.x2_00[1] == a.x2_00[0] and a.E[1] == a.E[0]
    with pytest.raises(ValueError, match="1-D"):
        solve_soft_pairs(np.zeros((2, 2)) - 6.0, 0.0)
