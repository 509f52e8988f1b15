"""What a reply rests on besides its text: its web sources, merged as they stream and
marked where cited. Offers ``web_sources``; imports ``records`` only."""
