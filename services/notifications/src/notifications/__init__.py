"""The notifications service: from the platform's events, who must know of what happened, told
in their inbox in Chinese and English with a link to where they act."""
