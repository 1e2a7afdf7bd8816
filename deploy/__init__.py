"""What a province applies to its Kubernetes cluster: manifests rendered from the cities'
deployment files (``python -m deploy.render``; docs/deployment.md)."""
