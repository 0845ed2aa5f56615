"""The mesh and region growing behind the generated grid."""
import numpy as np
import pytest
import shapely

from grids.mesh import build_mesh, grow_regions, union_faces

# an L-shaped, non-convex outline in metres (10 km across)
OUTLINE = shapely.Polygon([(0, 0), (10_000, 0), (10_000, 4_000), (4_000, 4_000), (4_000, 10_000), (0, 10_000)])


@pytest.fixture(scope="module")
def mesh():
    return build_mesh(OUTLINE, 600, np.random.default_rng(7))


def test_mesh_tiles_the_outline(mesh):
    union = shapely.union_all(mesh.faces)
    assert shapely.area(shapely.symmetric_difference(union, OUTLINE)) < 1.0
    assert np.sum(shapely.area(mesh.faces)) == pytest.approx(OUTLINE.area, rel=1e-6)  # no overlaps


def test_regions_are_contiguous_balanced_and_cover_everything(mesh):
    faces = np.arange(len(mesh.faces))
    weights = [1, 1, 2, 1, 3]
    region = grow_regions(mesh, faces, weights, np.random.default_rng(3))
    assert (region >= 0).all()
    sizes = np.bincount(region, minlength=len(weights))
    expected = np.array(weights) / sum(weights) * len(faces)
    assert np.all(np.abs(sizes - expected) < 0.35 * expected)
    parts = [union_faces(mesh, faces[region == r]) for r in range(len(weights))]
    assert all(p.geom_type == "Polygon" for p in parts)  # one piece each
    assert shapely.area(shapely.symmetric_difference(shapely.union_all(parts), OUTLINE)) < 1.0


def test_too_few_faces_is_an_explained_error(mesh):
    with pytest.raises(ValueError, match="finer mesh"):
        grow_regions(mesh, np.arange(3), [1, 1, 1, 1], np.random.default_rng(0))
