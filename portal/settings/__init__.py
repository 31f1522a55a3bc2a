"""Settings package: ``base`` holds everything shared, ``development`` (the default) the embedded
mode, ``production`` the hardened deployment. Values come from the environment."""
