"""The classes trustscan trusts in a skops file beyond skops' own default set.

skops already trusts scikit-learn's public estimators and plain containers and arrays. Some
fitted estimators also hold internal helper objects (a tree's ``Tree``, a boosting model's
``TreePredictor``, a loss object); those classes are listed here one by one. Nothing is trusted
by package prefix and no function is ever trusted: a skops file can name any importable callable
(``numpy.testing._private.utils.runstring`` runs ``exec``), and loading it may call it.
Users name anything else with ``--trust-type`` after reading the file's origin.
"""

from __future__ import annotations

SAFE_SKOPS_TYPES: frozenset[str] = frozenset(
    {
        # numpy / scipy value types held by fitted transformers
        "numpy.dtype",
        "scipy.interpolate._bsplines.BSpline",
        # trees and boosted trees
        "sklearn.tree._tree.Tree",
        "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
        "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
        # loss objects of gradient boosting and generalised linear models
        "sklearn._loss.loss.AbsoluteError",
        "sklearn._loss.loss.ExponentialLoss",
        "sklearn._loss.loss.HalfBinomialLoss",
        "sklearn._loss.loss.HalfGammaLoss",
        "sklearn._loss.loss.HalfMultinomialLoss",
        "sklearn._loss.loss.HalfPoissonLoss",
        "sklearn._loss.loss.HalfSquaredError",
        "sklearn._loss.loss.HalfTweedieLoss",
        "sklearn._loss.loss.HalfTweedieLossIdentity",
        "sklearn._loss.loss.HuberLoss",
        "sklearn._loss.loss.PinballLoss",
        # calibration
        "sklearn.calibration._CalibratedClassifier",
        "sklearn.calibration._SigmoidCalibration",
        # neighbours and their distance metrics
        "sklearn.neighbors._kd_tree.KDTree",
        "sklearn.neighbors._ball_tree.BallTree",
        "sklearn.metrics._dist_metrics.EuclideanDistance64",
        "sklearn.metrics._dist_metrics.ManhattanDistance64",
        "sklearn.metrics._dist_metrics.MinkowskiDistance64",
        "sklearn.metrics._dist_metrics.ChebyshevDistance64",
        # neural networks
        "sklearn.neural_network._stochastic_optimizers.AdamOptimizer",
        "sklearn.neural_network._stochastic_optimizers.SGDOptimizer",
        # clustering and Gaussian processes
        "sklearn.cluster._bisect_k_means._BisectingTree",
        "sklearn.gaussian_process._gpc._BinaryGaussianProcessClassifierLaplace",
        "sklearn.gaussian_process.kernels.ConstantKernel",
        "sklearn.gaussian_process.kernels.DotProduct",
        "sklearn.gaussian_process.kernels.ExpSineSquared",
        "sklearn.gaussian_process.kernels.Matern",
        "sklearn.gaussian_process.kernels.Product",
        "sklearn.gaussian_process.kernels.RationalQuadratic",
        "sklearn.gaussian_process.kernels.RBF",
        "sklearn.gaussian_process.kernels.Sum",
        "sklearn.gaussian_process.kernels.WhiteKernel",
    }
)
